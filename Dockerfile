# syntax=docker/dockerfile:1
#
# ecs-reconciler, the container image.
#
#   docker build -t ecs-reconciler .
#   docker run --rm -v "$PWD/manifests:/manifests:ro" -e AWS_REGION=eu-west-1 \
#     -p 8080:8080 ecs-reconciler run /manifests --listen 0.0.0.0:8080 --mode report
#
# Running it as an ECS service, with a git-sync sidecar and the IAM policy it needs:
# docs/running-on-ecs.md.
#
# Node 24 (the active LTS line) in both stages: AWS SDK for JavaScript v3 releases from
# January 2027 on need Node 22 or later, and the image runs exactly the Node major it was
# built and tested with (.ci/run tests on Node 24 too).

# ---------------------------------------------------------------------------
# build: dev dependencies + TypeScript -> dist/
# ---------------------------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /src

# Dependencies first, in their own layer: a source change does not reinstall them.
# --ignore-scripts here only because `prepare` (the build) needs src/, which is not
# copied yet; the build runs explicitly below, the same `npm run build` that
# `prepare` runs.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
COPY bin/ bin/
RUN npm run build

# ---------------------------------------------------------------------------
# runtime: production dependencies, dist/, bin/; no compiler, no tests
# ---------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime

# git: the controller runs `git rev-parse HEAD` in the manifests folder to record the
#   commit on every pass and on every resource it applies.
# tini: PID 1. It forwards SIGTERM/SIGINT to node (which finishes the action under way
#   and exits; see `run --help`) and reaps the zombies that short-lived child processes
#   such as git leave behind, which node as PID 1 does not do.
# ca-certificates: TLS to the AWS endpoints and to git remotes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The manifests are checked out by someone else (a git-sync sidecar, uid 65533, or a
# volume from the host), so the repository is owned by another user than the one this
# image runs as; git then refuses it ("detected dubious ownership") and the commit
# would silently go unrecorded. The image only ever reads a checkout with
# `git rev-parse`, so every directory is trusted.
RUN git config --system --add safe.directory '*'

# A heap cap makes V8 collect the garbage of each reconcile pass before it grows the
# heap (without one the daemon's RSS climbed past 200 MB over a few passes at 1,000
# services, 895 MB at 10,000). The cap must hold the live heap's peak in a warm pass,
# which grows with the estate, with room to spare: V8 grows the heap only as far as an
# estate needs, and a heap out of memory ends the process. Measured with
# bench/daemon-memory.mjs (the daemon against bench/fake-aws-server.mjs, 100 events a
# service, /metrics scraped after each pass; issue 19): 10,000 services ran out of heap
# in the first warm pass at 176 MB and held at 192 MB (peak RSS 283 to 287 MB; 301 MB at
# 208 MB, 334 MB at 256 MB), since the parsed manifests stopped keeping their files'
# texts and the diff cache its in-sync targets (a live heap of about 150 MB between
# passes, 137 MB in the middle of one); 5,000 services held at 128 MB. 192 MB serves up
# to 10,000 services like the benchmark's, with about 9 % over the least that ran out:
# an estate with larger manifests (many containers, long environments) or more than
# 10,000 services needs more, about 20 MB per 1,000 services (and the task's memory with
# it); a daemon out of heap exits (stderr: "JavaScript heap out of memory"). The cap
# trades CPU for memory: at 10,000 services 256 MB gave a warm pass less garbage
# collection than 192 MB (1.9 against 2.9 s of GC pauses at load 7 to 9) for about 50 MB
# more peak RSS. With the smaller heap of 2026-12-02 (a live set of 136 to 160 MB over a
# warm pass) 176 MB held at 10,000 services, peak RSS 279 MB in two runs against 295 to
# 298 MB at 192 MB, but that live set is up to 86 % of a 176 MB cap, past the share at
# which the daemon warns (src/daemon/heap-watch.ts): the image keeps 192 MB.
# A 2 MB semi-space keeps the young generation small (V8's default lets it grow to tens
# of MB, all of it resident), and near the cap it keeps the old space from thrashing (at
# 10,000 services 320 MB alone gave a warm pass 45 s of CPU, with the 2 MB semi-space
# 11 s). MALLOC_ARENA_MAX=2: glibc's malloc keeps an arena per thread that allocates
# (up to 8 a core) and each holds freed memory; two were 10 to 15 MB less RSS at 10,000
# services with the same heap (288 against 302 MB after the first pass at 224 MB, 324
# to 334 against 335 to 345 MB over the warm passes).
ENV NODE_ENV=production NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=2" MALLOC_ARENA_MAX=2 ECS_RECONCILER_LISTEN=0.0.0.0:8080
WORKDIR /app

# Production dependencies only. --ignore-scripts: `prepare` would run the TypeScript
# build, whose compiler is a dev dependency and whose output comes from the build stage.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /src/dist/ dist/
COPY --from=build /src/bin/ bin/

# `ecs-reconciler` on PATH: bin/ecs-reconciler.js imports ../dist/cli/main.js, which
# node resolves from the link's target, /app/bin.
RUN chmod 0755 /app/bin/ecs-reconciler.js \
 && ln -s /app/bin/ecs-reconciler.js /usr/local/bin/ecs-reconciler

# The node image's unprivileged user (uid 1000). The controller needs no file it can
# write: the manifests are mounted read-only, state lives in tags on the resources.
USER node

# The daemon's HTTP endpoints: /healthz, /readyz, /metrics, /report, /.
EXPOSE 8080

# No curl in the image: node itself asks /healthz. Docker (and `docker compose`) run
# this; ECS ignores an image HEALTHCHECK, so the task definition repeats it (see
# docs/running-on-ecs.md). It assumes the default port 8080.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--", "ecs-reconciler"]

# In the image the endpoints listen on 0.0.0.0:8080 (ECS_RECONCILER_LISTEN above), so a
# load balancer or a Prometheus scraper reaches them; outside a container the default
# stays 127.0.0.1:8080. The task definition in docs/running-on-ecs.md passes the whole
# command: run /manifests/current --listen 0.0.0.0:8080 --interval 60s --mode apply
CMD ["run", "/manifests"]
