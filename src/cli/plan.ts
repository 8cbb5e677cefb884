import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Gateways as AwsGateways } from '../aws/index.js';
import { Lease, leaseHolderName } from '../daemon/lease.js';
import type { ResourceDiff } from '../diff/index.js';
import { ACTION_KINDS, isDeletionOrReplacement, kindOf } from '../kinds/registry.js';
import { gitRevisionOf, repositoryOf } from '../manifests/index.js';
import { type PassResult, runReconcilePass } from '../pipeline/reconcile-pass.js';
import { clusterSelector } from '../pipeline/shard.js';
import { parseTarget, TARGET_HELP, type TargetPattern } from '../pipeline/target.js';
import { compareSavedPlan, type Plan, parseSavedPlan, type SavedPlan, type SavedPlanOptions, savedPlanOf } from '../plan/index.js';
import { type Report, renderMarkdown, renderPage, renderText, type ShowMode } from '../report/index.js';
import { ApplyProgress, interruptionSummary } from './apply-progress.js';
import { COMMON_HELP, durationMs, oneOf, parseCommandArgs, positiveInt, UsageError } from './flags.js';
import type { CommandIO } from './io.js';
import { manifestSourceOf, noticesToStderr } from './load-desired.js';
import { DEFAULT_CONTROLLER_ID, makeGateways, redactorFrom, regionsFrom, requireRegion } from './reconcile-flags.js';

const PLAN_HELP = `Usage: ecs-reconciler plan DIR [--format text|json|markdown] [--out FILE] [--show changed|all] [--target KIND/NAME] [--out-plan FILE] [--detailed-exitcode]

Loads the manifests under DIR, reads live ECS (read-only calls), and shows what
apply would do: one line per changed resource with its state, then its field changes
as "path: live → desired" (a create lists every field it will set), then the actions
with a reason each. In-sync resources are counted in the summary; --show all lists them.

States: in-sync, pending (the manifest changed since the last apply), drifted (live
changed outside git), missing (not live yet), orphaned (managed, no longer in the
manifests), conflict (a same-named resource this controller does not manage), invalid
(its manifest does not load), unknown (its region could not be read: nothing concluded),
fighting (the same change was applied on 3 passes in a row and came back each time: no
longer applied until the manifest changes), retained (orphaned but applied with prune
"false": kept, released with apply --release).

Exit status: 0 no changes (or changes, without --detailed-exitcode); 2 changes to
apply, with --detailed-exitcode; 1 an error (a manifest that does not load, AWS
unreachable).

Flags:
  --format text|json|markdown  text for a terminal (default), json for machines,
                               markdown for a pull-request comment
  --out FILE                   write the plan there instead of standard output
  --show changed|all           list only resources with something to do (default) or all
  --out-plan FILE              also save the plan for "apply --plan FILE" (hashes, no values)
  ${TARGET_HELP}
  --detailed-exitcode          exit 2 when there are changes
  --prune                      plan deletions of orphaned resources too (the prune stage)
  --allow-empty                with --prune: prune even when the manifests yield no resources
  --max-prune N                with --prune: most orphaned resources one pass deletes
                               (default: the larger of 5 and 25% of what is managed)
  --release ID                 remove the ownership tags of a retained or orphaned resource
                               (repeatable; e.g. Service/eu-west-1/prod/web): kept, no longer managed
  --regions R1,R2              also read these regions for orphaned resources, even when no
                               manifest names them (repeatable)
  --adopt                      plan taking over same-named unmanaged resources
  --adopt-cloudformation       with --adopt: take over resources a CloudFormation stack
                               (CDK, Copilot) owns too (aws:cloudformation:* tags)
  --cluster GLOB               this controller's shard: only matching clusters (repeatable, globs)
  --keep-revisions N           with --prune: ACTIVE revisions kept per family (default 5)
  --redact PATTERN             names whose values are masked in environment, secretOptions,
                               log and FireLens options, dockerLabels (repeatable; default
                               PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL), or a field path
                               masked whole ('containerDefinitions[name=*].command'); masks
                               are HMACs under a per-process random key (a daemon with
                               --state-dir keeps one key across restarts)

${COMMON_HELP}

Examples:
  ecs-reconciler plan manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000
  ecs-reconciler plan manifests/ --format markdown --out plan.md --detailed-exitcode
  ecs-reconciler plan manifests/ --target Service/prod/web --out-plan web.plan
`;

export const PASS_OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  show: { type: 'string' },
  target: { type: 'string', multiple: true },
  prune: { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
  'max-prune': { type: 'string' },
  release: { type: 'string', multiple: true },
  regions: { type: 'string', multiple: true },
  adopt: { type: 'boolean' },
  'adopt-cloudformation': { type: 'boolean' },
  'keep-revisions': { type: 'string' },
  redact: { type: 'string', multiple: true },
  cluster: { type: 'string', multiple: true },
  'self-heal-during-foreign-rollouts': { type: 'boolean' },
} as const;

export function renderReport(report: Report, format: 'text' | 'json' | 'markdown' | 'html', opts: { show?: ShowMode } = {}): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderMarkdown(report, opts);
  if (format === 'html') return renderPage(report, {}, { static: true, ...opts });
  return renderText(report, opts);
}

export async function planCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...PASS_OPTIONS, 'detailed-exitcode': { type: 'boolean' }, 'out-plan': { type: 'string' } },
    { min: 1, max: 1, names: 'DIR (the manifests folder)' },
  );
  if (values.help) {
    io.stdout(PLAN_HELP);
    return 0;
  }
  return runPassCommand('plan', positionals[0]!, values, io, values['detailed-exitcode'] ?? false);
}

export interface PassCommandFlags {
  format?: string;
  out?: string;
  show?: string;
  target?: string[];
  prune?: boolean;
  'allow-empty'?: boolean;
  'max-prune'?: string;
  release?: string[];
  regions?: string[];
  adopt?: boolean;
  'adopt-cloudformation'?: boolean;
  'keep-revisions'?: string;
  var?: string[];
  'var-file'?: string[];
  'var-env'?: string[];
  'var-env-prefix'?: string[];
  region?: string;
  endpoint?: string;
  profile?: string;
  'controller-id'?: string;
  'dry-run'?: boolean;
  redact?: string[];
  /** plan: save the plan there */
  'out-plan'?: string;
  /** apply: the saved plan to apply */
  plan?: string;
  /** apply: no question before deletions and replacements */
  yes?: boolean;
  'lease-table'?: string;
  'lease-wait'?: string;
  'lease-duration'?: string;
  cluster?: string[];
  'self-heal-during-foreign-rollouts'?: boolean;
  /** apply: deploy degraded services again */
  'retry-failed'?: boolean;
  /** apply: wait for the touched services to be steady */
  wait?: boolean;
  'wait-timeout'?: string;
}

export function parseTargets(flags: readonly string[] | undefined): TargetPattern[] {
  return (flags ?? []).map((t) => {
    const p = parseTarget(t);
    if (typeof p === 'string') throw new UsageError(p);
    return p;
  });
}

/** The saved plan FILE and its options, which the apply then uses: flags that would change them are refused. */
async function readSavedPlan(file: string, values: PassCommandFlags, io: CommandIO): Promise<SavedPlan> {
  const given = (['prune', 'adopt', 'keep-revisions', 'target'] as const).filter((f) => values[f] !== undefined);
  if (given.length)
    throw new UsageError(
      `--plan takes ${given.map((f) => `--${f}`).join(', ')} from the saved plan; drop ${given.length > 1 ? 'them' : 'it'} (make a new plan to change them)`,
    );
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new UsageError(`--plan ${file}: cannot read it: ${(err as Error).message}`);
  }
  const saved = parseSavedPlan(text, ACTION_KINDS);
  if (typeof saved === 'string') throw new UsageError(`--plan ${file}: ${saved}`);
  return saved;
}

function destructiveLines(plan: Plan): string[] {
  return plan.actions
    .filter(isDeletionOrReplacement)
    .map((a) => `  - ${a.kind} ${a.resource}${a.revisions ? ` (${a.revisions.length} revision(s))` : ''}: ${a.reason}`);
}

/**
 * Before an apply changes anything. A saved plan must still be the plan (what was
 * reviewed is what runs; its review is the approval). Otherwise deletions and
 * replacements need a yes: typed at a terminal, or --yes (Terraform's -auto-approve)
 * where nobody can answer, as in CI: there a missing --yes refuses the whole apply
 * rather than silently applying half of it.
 */
function approval(values: PassCommandFlags, io: CommandIO, saved: SavedPlan | undefined, options: SavedPlanOptions) {
  return async (plan: Plan, diffs: Parameters<typeof savedPlanOf>[1]): Promise<string | undefined> => {
    if (saved) {
      const differences = compareSavedPlan(saved, savedPlanOf(plan, diffs, options, { now: new Date() }));
      if (differences.length === 0) return undefined;
      return `the saved plan ${values.plan} is not what apply would do now; nothing was applied. What differs:\n  ${differences.join('\n  ')}\nMake and review a new plan (plan --out-plan FILE).`;
    }
    const destructive = destructiveLines(plan);
    if (destructive.length === 0 || values.yes) return undefined;
    const what = `apply would delete or replace ${destructive.length === 1 ? 'this' : `these ${destructive.length}`}:\n${destructive.join('\n')}`;
    if (!io.interactive || !io.ask) {
      return `${what}\nnot on a terminal, so nobody can confirm: nothing was applied. Pass --yes to allow deletions and replacements without asking, or apply a reviewed plan with --plan FILE.`;
    }
    io.stderr(`${what}\n`);
    const answer = (await io.ask('Only "yes" goes on. Apply? ')).trim();
    return answer === 'yes' ? undefined : 'apply cancelled: the deletions and replacements were not confirmed; nothing was applied';
  };
}

export async function runPassCommand(mode: 'plan' | 'apply', dir: string, values: PassCommandFlags, io: CommandIO, detailedExitCode: boolean): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json', 'markdown'] as const, 'text');
  const show = oneOf('show', values.show, ['changed', 'all'] as const, 'changed');
  const region = await requireRegion(values, io);
  const saved = mode === 'apply' && values.plan ? await readSavedPlan(values.plan, values, io) : undefined;
  const controllerId = values['controller-id'] ?? DEFAULT_CONTROLLER_ID;
  const options: SavedPlanOptions = saved
    ? { ...saved.options, controllerId }
    : {
        controllerId,
        prune: values.prune ?? false,
        adopt: values.adopt ?? false,
        keepRevisions: positiveInt('keep-revisions', values['keep-revisions'], 5),
        targets: values.target ?? [],
      };
  const target = parseTargets(options.targets);
  const manifests = manifestSourceOf(
    {
      dir,
      vars: values.var ?? [],
      varFiles: values['var-file'] ?? [],
      varEnv: values['var-env'] ?? [],
      varEnvPrefixes: values['var-env-prefix'] ?? [],
      region,
    },
    io,
  );
  const showProgress = format === 'text' && !values.out;
  const progress = new ApplyProgress(io.stderr);
  const gateways = makeGateways({
    endpoint: values.endpoint,
    profile: values.profile,
    env: io.env,
    ...(mode === 'apply' && showProgress ? { onRateLimitWait: (op, spec) => progress.rateLimitWait(op, spec) } : {}),
  });
  const maxPrune = values['max-prune'] === undefined ? undefined : positiveInt('max-prune', values['max-prune'], 0);
  if (values['adopt-cloudformation'] && !values.adopt) throw new UsageError('--adopt-cloudformation goes with --adopt');
  const gitRevision = await gitRevisionOf(path.resolve(io.cwd, dir));
  const repository = await repositoryOf(path.resolve(io.cwd, dir));
  const actualMode = mode === 'apply' && values['dry-run'] ? 'plan' : mode;
  // Ctrl-C during an apply: the call under way finishes, nothing new starts, the summary says what was not done.
  let interrupted = false;
  // ends a wait for the lease at once (the pass itself stops between actions, through shouldStop)
  const interruption = new AbortController();
  const stopListening =
    actualMode === 'apply'
      ? io.onInterrupt?.(() => {
          interrupted = true;
          interruption.abort();
          io.stderr('\nCtrl-C: finishing the call under way, starting nothing new (Ctrl-C again quits at once)\n');
        })
      : undefined;
  // apply --lease-table: the daemon's lease, so two applies of one controller id (overlapping
  // CI jobs, a CI job and a daemon) never run at once (issue 13, 6); plan never needs it.
  const lease =
    actualMode === 'apply' && values['lease-table']
      ? new Lease({
          store: gateways.forRegion(region),
          table: values['lease-table'],
          name: controllerId,
          holder: leaseHolderName(),
          durationMs: durationMs('lease-duration', values['lease-duration'], 30_000),
          logger: { info: () => undefined, warn: (_fields, message) => io.stderr(`lease: ${message}\n`) },
        })
      : undefined;
  try {
    if (lease) {
      const waitMs = durationMs('lease-wait', values['lease-wait'], 5 * 60_000);
      await gateways.forRegion(region).ensureLeaseTable(values['lease-table']!);
      if (!(await lease.acquire(waitMs, interruption.signal))) {
        if (interrupted) {
          io.stderr('not applied: interrupted while waiting for the lease\n');
          return 130;
        }
        io.stderr(
          `not applied: the lease "${controllerId}" in table ${values['lease-table']} is held by ${lease.otherHolder ?? 'another controller'}; waited ${values['lease-wait'] ?? '5m'} (--lease-wait)\n`,
        );
        return 1;
      }
      lease.startRenewing();
      gateways.writeFence.budgetMs = () => lease.callBudgetMs();
    }
    const pass = await runReconcilePass(manifests, {
      onLoad: noticesToStderr(io),
      gateways,
      controllerId,
      defaultRegion: region,
      mode: actualMode,
      prune: options.prune,
      adopt: options.adopt,
      keepRevisions: options.keepRevisions,
      ...(target.length ? { target } : {}),
      ...(values['allow-empty'] ? { allowEmpty: true } : {}),
      ...(maxPrune !== undefined ? { maxPrune } : {}),
      ...(values['adopt-cloudformation'] ? { adoptCloudFormation: true } : {}),
      ...(values.release?.length ? { release: values.release } : {}),
      ...(values.regions?.length ? { regions: regionsFrom(values.regions) } : {}),
      ...(repository ? { repository } : {}),
      ...(values['controller-id'] === undefined ? { implicitControllerId: true } : {}),
      ...(gitRevision ? { gitRevision } : {}),
      now: () => new Date(),
      redactor: redactorFrom(values.redact),
      ...(values.cluster?.length ? { clusters: clusterSelector(values.cluster)! } : {}),
      ...(values['retry-failed'] ? { retryFailed: true } : {}),
      ...(values['self-heal-during-foreign-rollouts'] ? { selfHealDuringForeignRollouts: true } : {}),
      shouldStop: () => interrupted || (lease !== undefined && !lease.held()),
      beforeApply: approval(values, io, saved, options),
      ...(showProgress ? { onActionStart: (a, i, n) => progress.actionStarted(a, i, n), onAction: (r) => progress.actionEnded(r) } : {}),
    });
    const text = renderReport(pass.report, format, { show });
    if (values.out) await writeFile(path.resolve(io.cwd, values.out), text);
    else io.stdout(text);
    if (mode === 'plan' && values['out-plan']) {
      const savedPlan = savedPlanOf(pass.plan, pass.diffs, options, { now: new Date(), ...(gitRevision ? { gitRevision } : {}) });
      await writeFile(path.resolve(io.cwd, values['out-plan']), `${JSON.stringify(savedPlan, null, 2)}\n`);
      io.stderr(
        `Saved the plan (${savedPlan.actions.length} action(s)) to ${values['out-plan']}: apply it with "ecs-reconciler apply ${dir} --plan ${values['out-plan']}".\n`,
      );
    }
    if (pass.refused) io.stderr(`ecs-reconciler apply: ${pass.refused}\n`);
    if (lease && !interrupted && !lease.held() && pass.results.length < pass.plan.actions.length) {
      io.stderr(
        `stopped: the lease "${controllerId}" was lost before every action ran; ${pass.plan.actions.length - pass.results.length} action(s) not started\n`,
      );
      return 1;
    }
    if (interrupted || pass.stopped) {
      io.stderr(interruptionSummary(pass.plan.actions, pass.results));
      return 130;
    }
    const waited = actualMode === 'apply' && values.wait ? await waitForRollouts(pass, gateways, values, io, () => interrupted) : 0;
    if (waited === 130) return 130;
    if (pass.readFailed || pass.problems.length > 0 || waited !== 0) return 1;
    if (mode === 'apply' && actualMode === 'apply') return pass.results.some((r) => r.outcome === 'failed') ? 1 : 0;
    return detailedExitCode && pass.plan.actions.length > 0 ? 2 : 0;
  } finally {
    stopListening?.();
    await lease?.stop();
    gateways.destroy();
  }
}

/**
 * apply --wait: every resource an action of this apply changed, waited on by its kind
 * (a kind with no rollout has nothing to wait for). 0 steady, 1 failed or timed out, 130
 * Ctrl-C (the deployments go on; only the waiting stops).
 */
async function waitForRollouts(pass: PassResult, gateways: AwsGateways, values: PassCommandFlags, io: CommandIO, interrupted: () => boolean): Promise<number> {
  const timeoutMs = durationMs('wait-timeout', values['wait-timeout'], 10 * 60_000);
  const touched = new Set(pass.results.filter((r) => r.outcome === 'applied').map((r) => r.action.resource));
  const groups = new Map<string, ResourceDiff[]>();
  for (const d of pass.diffs) {
    if (!touched.has(d.id) || !kindOf(d.kind).awaitSteady) continue;
    const key = `${d.kind} ${d.region}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  if (groups.size === 0) return 0;
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (interrupted()) abort.abort();
  }, 200);
  try {
    io.stderr(`waiting for ${[...groups.values()].flat().length} resource(s) to be steady (--wait-timeout ${Math.round(timeoutMs / 1000)}s)\n`);
    const failures: string[] = [];
    for (const ds of groups.values()) {
      const first = ds[0]!;
      const outcome = await kindOf(first.kind).awaitSteady!(gateways.forRegion(first.region), ds, {
        timeoutMs,
        signal: abort.signal,
        onProgress: (line) => io.stderr(`  ${line}\n`),
      });
      failures.push(...outcome.failures);
      if (outcome.interrupted) {
        io.stderr('wait interrupted: the deployments go on; nothing was stopped\n');
        return 130;
      }
    }
    for (const f of failures) io.stderr(`not steady: ${f}\n`);
    return failures.length ? 1 : 0;
  } finally {
    clearInterval(poll);
  }
}
