import path from 'node:path';
import { ReadBudget } from '../aws/index.js';
import { leaseHolderName } from '../daemon/lease.js';
import { createLogger } from '../daemon/logger.js';
import { Manager } from '../daemon/manager.js';
import { parseWebhookUrl, type WebhookTarget } from '../daemon/notify.js';
import { loadRedactionKey } from '../daemon/redaction-key.js';
import { clusterSelector } from '../pipeline/shard.js';
import { COMMON_HELP, durationMs, oneOf, parseCommandArgs, positiveInt, UsageError } from './flags.js';
import type { CommandIO } from './io.js';
import { manifestSourceOf } from './load-desired.js';
import { DEFAULT_CONTROLLER_ID, makeGateways, redactorFrom, regionsFrom, requireRegion } from './reconcile-flags.js';

const RUN_HELP = `Usage: ecs-reconciler run DIR [--mode apply|report] [--interval 60s] [--listen 127.0.0.1:8080]

The controller daemon. Watches DIR (a git checkout of manifests; a git-sync sidecar's
symlink swap is seen too) and reconciles on every change, debounced, and on a resync
timer that catches changes made outside git (console, CLI, other tools). One pass at a
time; a change during a pass runs once after it. A resource that fails is retried with
exponential backoff while the others go on; AWS throttling slows the loop down; only
SIGTERM or SIGINT stops it (the action under way finishes, nothing new starts).

Modes:
  --mode apply          converge every pass (self-heal); prune only with --prune (default)
  --mode report         read and report only: never a mutating call

Flags:
  --interval DURATION   resync period, e.g. 60s, 5m (default 60s, with ±10% jitter;
                        30m with --events-queue)
  --events-queue URL    long-poll this SQS queue, fed by an EventBridge rule with ECS,
                        Application Auto Scaling and CloudTrail events (docs/events.md):
                        each event is a targeted pass over the resources it names, in
                        seconds; the controller's own writes cause none. While the queue
                        cannot be read, the resync runs every 60s at most (/readyz says so)
  --debounce DURATION   quiet time after a file change before a pass (default 300ms)
  --listen HOST:PORT    HTTP endpoints (default ECS_RECONCILER_LISTEN, else 127.0.0.1:8080;
                        the container image sets 0.0.0.0:8080):
                        /healthz  the process can work (503 while a start-up step such
                                  as the lease table keeps failing; retried with backoff)
                        /readyz   a first pass finished and AWS was reachable on the last
                        /metrics  Prometheus text
                        /report   the last pass's report as JSON
                        /         the drift report as a page
                        POST /reconcile  start a pass now (a git push webhook; see --webhook-secret)
  --allowed-hosts NAMES Host header names the endpoints answer to (repeatable, commas split;
                        '*' any). IP literals are always answered (DNS rebinding needs a
                        name); default: localhost and the --listen host, or this machine's
                        hostname when listening on 0.0.0.0. Others get 421. /healthz and
                        /readyz answer whatever the Host
  --report-token TOKEN  / and /report need "Authorization: Bearer TOKEN" (a browser: any
                        user name, TOKEN as the password); /healthz, /readyz and /metrics
                        stay open (default ECS_RECONCILER_REPORT_TOKEN; at least 16 chars)
  --prune               delete orphaned managed resources, as apply --prune does: never while a
                        manifest fails to load, when the manifests yield nothing (--allow-empty),
                        beyond --max-prune N deletions a pass (default: the larger of 5 and 25%
                        of what is managed), after a failed create or update, or from another
                        repository; a refusal is a problem in /report, notified once, and the
                        rest of the estate is still reconciled
  --allow-empty         with --prune: prune even when the manifests yield no resources
  --max-prune N         with --prune: most orphaned resources one pass deletes
  --regions R1,R2       also read these regions every pass, for orphans no manifest names
  --read-budget N       AWS reads a second a resync may make (default 5 with
                        --events-queue, else unpaced). With --events-queue the resync is
                        also split into slices of at most 100 resources spread evenly
                        across --interval (10,000 services, 30 min: a slice every 18 s),
                        each a targeted pass; the report stays whole. An event's targeted
                        pass is not paced and runs between slices
  --cluster GLOB        this controller's shard: only clusters matching (repeatable, * and ?
                        globs), their services and the task definitions those run; give
                        each shard its own --controller-id (and --lease-table item)
  --keep-revisions N    with --prune: ACTIVE revisions kept per family (default 5)
  --adopt               take over same-named unmanaged resources
  --adopt-cloudformation  with --adopt: also resources a CloudFormation stack owns
  --self-heal-during-foreign-rollouts  converge a service even while a rollout this
                        controller did not start is under way (left alone by default)
  --retry-backoff DURATION  a resource whose action failed is retried after this,
                        doubling each failure up to 5m, less up to a fifth at random
                        (default 5s)
  --log-format json|pretty   pino JSON lines (default) or readable lines for a terminal
  --shutdown-timeout DURATION  how long SIGTERM waits for the action under way (default 30s)
  --history N           passes remembered for drift over time: since when each resource is
                        in its state, passes drifted, flapping (default 100)
  --state-dir DIR       keep DIR/history.jsonl (each pass, read back on restart) and
                        DIR/revisions.jsonl (task definition revisions already read, which
                        never change: a restarted daemon does not describe them again)
  --notify-webhook URL  POST a JSON summary (Slack-compatible "text") when a resource enters
                        or leaves drifted, fighting or error, once per change; while the
                        endpoint fails, posts back off (10 s doubling to 15 min)
  --public-url URL      the report's address in notifications (default http://LISTEN/)
  --lease-table NAME    run several daemons with one controller id safely: only the holder
                        of a DynamoDB lease (table NAME, created if missing; the item is
                        the controller id) applies, the others report (apply --lease-table
                        takes the same lease); a dead holder's lease passes over once
                        another has seen it unchanged for a whole duration, by its own clock
  --lease-duration D    lease length (default 30s; renewed every third of it)
  --webhook-secret S    POST /reconcile (start a pass now) then only takes push webhooks signed
                        with S: GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the body) or
                        GitLab's X-Gitlab-Token; anything unsigned is 401. Without it any POST
                        starts a pass. Default: ECS_RECONCILER_WEBHOOK_SECRET (better than the
                        flag, which other users of the machine see in the process list)
  --redact PATTERN      names whose values are masked in every output, in environment,
                        secretOptions, log and FireLens options, dockerLabels (repeatable;
                        default PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL); or a field path
                        masked whole, e.g. 'containerDefinitions[name=*].command'. Masks
                        are HMACs keyed by DIR/redaction.key with --state-dir (made 0600
                        when missing), else by a per-process random key

${COMMON_HELP}

Examples:
  ecs-reconciler run manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000 --log-format pretty
  curl -s localhost:8080/report | jq '.summary'
  curl -s -X POST localhost:8080/reconcile          # a pass now (no --webhook-secret)
`;

/** The URL is checked before anything starts; the message never repeats it (it may hold a password or a key). */
function webhookFrom(flag: string | undefined): WebhookTarget | undefined {
  if (flag === undefined) return undefined;
  const parsed = parseWebhookUrl(flag);
  if (!parsed.ok) throw new UsageError(`--notify-webhook ${parsed.message}`);
  return parsed.target;
}

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      mode: { type: 'string' },
      interval: { type: 'string' },
      debounce: { type: 'string' },
      listen: { type: 'string' },
      prune: { type: 'boolean' },
      'allow-empty': { type: 'boolean' },
      regions: { type: 'string', multiple: true },
      'max-prune': { type: 'string' },
      adopt: { type: 'boolean' },
      'adopt-cloudformation': { type: 'boolean' },
      'self-heal-during-foreign-rollouts': { type: 'boolean' },
      'retry-backoff': { type: 'string' },
      'keep-revisions': { type: 'string' },
      'log-format': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      history: { type: 'string' },
      'state-dir': { type: 'string' },
      'notify-webhook': { type: 'string' },
      'public-url': { type: 'string' },
      redact: { type: 'string', multiple: true },
      'lease-table': { type: 'string' },
      'lease-duration': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'allowed-hosts': { type: 'string', multiple: true },
      'report-token': { type: 'string' },
      'events-queue': { type: 'string' },
      cluster: { type: 'string', multiple: true },
      'read-budget': { type: 'string' },
    },
    { min: 1, max: 1, names: 'DIR (the manifests folder)' },
  );
  if (values.help) {
    io.stdout(RUN_HELP);
    return 0;
  }
  const mode = oneOf('mode', values.mode, ['apply', 'report'] as const, 'apply');
  const logFormat = oneOf('log-format', values['log-format'], ['json', 'pretty'] as const, 'json');
  const level = oneOf('log-level', values['log-level'], ['trace', 'debug', 'info', 'warn', 'error'] as const, 'info');
  const region = await requireRegion(values, io);
  const shutdownMs = durationMs('shutdown-timeout', values['shutdown-timeout'], 30_000);
  const webhookSecret = values['webhook-secret'] ?? io.env.ECS_RECONCILER_WEBHOOK_SECRET;
  if (webhookSecret !== undefined && webhookSecret.length < 16)
    throw new UsageError(
      '--webhook-secret (or ECS_RECONCILER_WEBHOOK_SECRET) must be at least 16 characters: it is all that stands between the internet and POST /reconcile',
    );
  const logger = createLogger({ level, format: logFormat });
  // the container image sets ECS_RECONCILER_LISTEN=0.0.0.0:8080 (DESIGN.md: 0.0.0.0 in the container)
  const listen = values.listen ?? io.env.ECS_RECONCILER_LISTEN ?? '127.0.0.1:8080';
  // the environment variable keeps the token out of the task's command line (ps, DescribeTasks)
  const reportToken = values['report-token'] ?? io.env.ECS_RECONCILER_REPORT_TOKEN;
  if (reportToken !== undefined && reportToken.length < 16)
    throw new UsageError('--report-token (or ECS_RECONCILER_REPORT_TOKEN) must be at least 16 characters');
  const webhook = webhookFrom(values['notify-webhook']);
  const stateDir = values['state-dir'] ? path.resolve(io.cwd, values['state-dir']) : undefined;
  const redactionKey = await loadRedactionKey(stateDir);
  if (redactionKey.source === 'process')
    logger.info(
      { redactionKey: 'per-process' },
      'redaction masks use a per-process random key (no --state-dir): the same value masks differently after a restart',
    );
  else logger.info({ redactionKey: redactionKey.file, created: redactionKey.created }, `redaction masks are keyed by ${redactionKey.file}`);
  // with events the resync is long and paced: default 5 reads a second, a share of ECS's ~20
  const readBudgetFlag = values['read-budget'] ?? (values['events-queue'] ? '5' : undefined);
  const readBudgetRate = readBudgetFlag !== undefined ? positiveInt('read-budget', readBudgetFlag, 5) : undefined;
  if (readBudgetRate === 0) throw new UsageError('--read-budget must be at least 1 (calls a second)');
  const readBudget = readBudgetRate !== undefined ? new ReadBudget(readBudgetRate) : undefined;
  const gateways = makeGateways({ endpoint: values.endpoint, profile: values.profile, env: io.env, ...(readBudget ? { readBudget } : {}) });
  const manager = new Manager({
    manifests: manifestSourceOf(
      {
        dir: positionals[0]!,
        vars: values.var ?? [],
        varFiles: values['var-file'] ?? [],
        varEnv: values['var-env'] ?? [],
        varEnvPrefixes: values['var-env-prefix'] ?? [],
        region,
      },
      io,
    ),
    defaultRegion: region,
    controllerId: values['controller-id'] ?? DEFAULT_CONTROLLER_ID,
    ...(values['controller-id'] === undefined ? { implicitControllerId: true } : {}),
    gateways,
    mode,
    prune: values.prune ?? false,
    adopt: values.adopt ?? false,
    ...(values['adopt-cloudformation'] ? { adoptCloudFormation: true } : {}),
    ...(values['self-heal-during-foreign-rollouts'] ? { selfHealDuringForeignRollouts: true } : {}),
    ...(values['retry-backoff'] !== undefined ? { backoffBaseMs: durationMs('retry-backoff', values['retry-backoff'], 5_000) } : {}),
    ...(values['allow-empty'] ? { allowEmpty: true } : {}),
    ...(values.regions?.length ? { regions: regionsFrom(values.regions) } : {}),
    ...(values['max-prune'] !== undefined ? { maxPrune: positiveInt('max-prune', values['max-prune'], 0) } : {}),
    keepRevisions: positiveInt('keep-revisions', values['keep-revisions'], 5),
    // events see a change in seconds: the resync only catches what no event told of
    intervalMs: durationMs('interval', values.interval, values['events-queue'] ? 30 * 60_000 : 60_000),
    ...(values['events-queue'] ? { eventsQueueUrl: values['events-queue'] } : {}),
    ...(values.cluster?.length ? { clusters: clusterSelector(values.cluster)! } : {}),
    ...(readBudget ? { readBudget } : {}),
    jitter: 0.1,
    debounceMs: durationMs('debounce', values.debounce, 300),
    listen,
    logger,
    historySize: positiveInt('history', values.history, 100),
    ...(stateDir ? { stateDir } : {}),
    ...(webhook ? { notifyWebhook: webhook } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    redactor: redactorFrom(values.redact, redactionKey.key),
    ...(webhookSecret ? { webhookSecret } : {}),
    httpGuard: {
      ...(values['allowed-hosts']
        ? {
            allowedHosts: values['allowed-hosts']
              .flatMap((h) => h.split(','))
              .map((h) => h.trim())
              .filter(Boolean),
          }
        : {}),
      ...(reportToken ? { reportToken } : {}),
    },
    ...(values['lease-table']
      ? { lease: { table: values['lease-table'], durationMs: durationMs('lease-duration', values['lease-duration'], 30_000), holder: leaseHolderName() } }
      : {}),
  });
  // Nothing but a signal ends the daemon: stray errors are logged, not fatal.
  const onStray = (err: unknown) => logger.error({ err }, 'unexpected error (the daemon keeps running)');
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  try {
    await manager.start();
  } catch (err) {
    // the HTTP server binds first, before any AWS call: a taken port is one line, not a stack trace
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      await manager.stop(0).catch(() => undefined);
      gateways.destroy();
      process.off('uncaughtException', onStray);
      process.off('unhandledRejection', onStray);
      const why =
        code === 'EADDRINUSE'
          ? 'the address is already in use (another daemon?)'
          : code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : 'no such address on this machine';
      io.stderr(`ecs-reconciler run: cannot listen on ${listen}: ${why}; choose another with --listen HOST:PORT\n`);
      return 1;
    }
    // a start-up that cannot go on ends the process (exit 1) rather than leave it serving /healthz
    logger.error({ err }, 'cannot start');
    await manager.stop(1000).catch(() => undefined);
    gateways.destroy();
    logger.flush?.();
    return 1;
  }
  const { finished } = await manager.untilSignal(shutdownMs);
  gateways.destroy();
  logger.info({ finished }, finished ? 'stopped cleanly' : `stopped after ${shutdownMs} ms with a pass still running`);
  logger.flush?.();
  return 0;
}
