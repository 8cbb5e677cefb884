import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { Controller } from '../daemon/controller.js';
import { clusterSelector } from '../pipeline/shard.js';
import { ReadBudget } from '../aws/index.js';
import { createLogger } from '../daemon/logger.js';
import { COMMON_HELP, durationMs, oneOf, parseCommandArgs, positiveInt, UsageError } from './flags.js';
import type { CommandIO } from './io.js';
import { DEFAULT_CONTROLLER_ID, makeGateways, redactorFrom, requireRegion } from './reconcile-flags.js';

export const RUN_HELP = `Usage: ecs-reconciler run DIR [--mode apply|report] [--interval 60s] [--listen 127.0.0.1:8080]

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
                        /healthz  the process is alive
                        /readyz   a first pass finished and AWS was reachable on the last
                        /metrics  Prometheus text
                        /report   the last pass's report as JSON
                        /         the drift report as a page
  --read-budget N       AWS reads a second a full resync may make (default 5 with
                        --events-queue, else unpaced): a 10,000-service resync (~1,100
                        reads) spreads over about 4 minutes instead of a burst; an event's
                        targeted pass is not paced
  --cluster GLOB        this controller's shard: only clusters matching (repeatable, * and ?
                        globs), their services and the task definitions those run; give
                        each shard its own --controller-id (and --lease-table item)
  --prune               delete orphaned managed resources (never while a manifest fails to load)
  --keep-revisions N    with --prune: ACTIVE revisions kept per family (default 5)
  --adopt               take over same-named unmanaged resources
  --log-format json|pretty   pino JSON lines (default) or readable lines for a terminal
  --shutdown-timeout DURATION  how long SIGTERM waits for the action under way (default 30s)
  --history N           passes remembered for drift over time: since when each resource is
                        in its state, passes drifted, flapping (default 100)
  --state-dir DIR       keep DIR/history.jsonl (each pass, read back on restart) and
                        DIR/revisions.jsonl (task definition revisions already read, which
                        never change: a restarted daemon does not describe them again)
  --notify-webhook URL  POST a JSON summary (Slack-compatible "text") when a resource enters
                        or leaves drifted or error, once per change
  --public-url URL      the report's address in notifications (default http://LISTEN/)
  --lease-table NAME    run several daemons with one controller id safely: only the holder
                        of a DynamoDB lease (table NAME, created if missing; the item is
                        the controller id) applies, the others report; a dead holder's
                        lease passes over when it expires
  --lease-duration D    lease length (default 30s; renewed every third of it)
  --redact PATTERN      environment names whose values are masked in every output
                        (repeatable; default PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL)

${COMMON_HELP}

Examples:
  ecs-reconciler run manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000 --log-format pretty
  curl -s localhost:8080/report | jq '.summary'
`;

export async function runCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      mode: { type: 'string' },
      interval: { type: 'string' },
      debounce: { type: 'string' },
      listen: { type: 'string' },
      prune: { type: 'boolean' },
      adopt: { type: 'boolean' },
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
  const region = requireRegion(values.region, io);
  const shutdownMs = durationMs('shutdown-timeout', values['shutdown-timeout'], 30_000);
  const logger = createLogger({ level, format: logFormat });
  // with events the resync is long and paced: default 5 reads a second, a share of ECS's ~20
  const readBudgetFlag = values['read-budget'] ?? (values['events-queue'] ? '5' : undefined);
  const readBudgetRate = readBudgetFlag !== undefined ? positiveInt('read-budget', readBudgetFlag, 5) : undefined;
  if (readBudgetRate === 0) throw new UsageError('--read-budget must be at least 1 (calls a second)');
  const readBudget = readBudgetRate !== undefined ? new ReadBudget(readBudgetRate) : undefined;
  const gateways = makeGateways({ ...(values.endpoint ? { endpoint: values.endpoint } : {}), env: io.env, ...(readBudget ? { readBudget } : {}) });
  const controller = new Controller({
    dir: path.resolve(io.cwd, positionals[0]!),
    varFlags: values.var ?? [],
    varFiles: (values['var-file'] ?? []).map((f) => path.resolve(io.cwd, f)),
    env: io.env,
    defaultRegion: region,
    controllerId: values['controller-id'] ?? DEFAULT_CONTROLLER_ID,
    gateways,
    mode,
    prune: values.prune ?? false,
    adopt: values.adopt ?? false,
    keepRevisions: positiveInt('keep-revisions', values['keep-revisions'], 5),
    // events see a change in seconds: the resync only catches what no event told of
    intervalMs: durationMs('interval', values.interval, values['events-queue'] ? 30 * 60_000 : 60_000),
    ...(values['events-queue'] ? { eventsQueueUrl: values['events-queue'] } : {}),
    ...(values.cluster?.length ? { clusters: clusterSelector(values.cluster)! } : {}),
    ...(readBudget ? { readBudget } : {}),
    jitter: 0.1,
    debounceMs: durationMs('debounce', values.debounce, 300),
    // the container image sets ECS_RECONCILER_LISTEN=0.0.0.0:8080 (DESIGN.md: 0.0.0.0 in the container)
    listen: values.listen ?? io.env.ECS_RECONCILER_LISTEN ?? '127.0.0.1:8080',
    logger,
    historySize: positiveInt('history', values.history, 100),
    ...(values['state-dir'] ? { stateDir: path.resolve(io.cwd, values['state-dir']) } : {}),
    ...(values['notify-webhook'] ? { notifyWebhook: values['notify-webhook'] } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    redactor: redactorFrom(values.redact),
    ...(values['lease-table']
      ? { lease: { table: values['lease-table'], durationMs: durationMs('lease-duration', values['lease-duration'], 30_000), holder: `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}` } }
      : {}),
  });
  // Nothing but a signal ends the daemon: stray errors are logged, not fatal.
  const onStray = (err: unknown) => logger.error({ err: err instanceof Error ? err.stack : String(err) }, 'unexpected error (the daemon keeps running)');
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  await controller.start();
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, `${signal}: finishing the action under way, starting nothing new`);
  const finished = await controller.stop(shutdownMs);
  gateways.destroy();
  logger.info({ finished }, finished ? 'stopped cleanly' : `stopped after ${shutdownMs} ms with a pass still running`);
  logger.flush?.();
  return 0;
}
