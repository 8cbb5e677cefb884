import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitRevisionOf } from '../manifests/index.js';
import { runReconcilePass } from '../pipeline/reconcile-pass.js';
import { renderMarkdown, renderPage, renderText, type Report } from '../report/index.js';
import { COMMON_HELP, oneOf, parseCommandArgs, positiveInt } from './flags.js';
import type { CommandIO } from './io.js';
import { loadDesired } from './load-desired.js';
import { clusterSelector } from '../pipeline/shard.js';
import { DEFAULT_CONTROLLER_ID, makeGateways, redactorFrom, requireRegion } from './reconcile-flags.js';

export const PLAN_HELP = `Usage: ecs-reconciler plan DIR [--format text|json|markdown] [--out FILE] [--detailed-exitcode]

Loads the manifests under DIR, reads live ECS (read-only calls), and shows what
apply would do: one line per resource with its state, then its field changes as
"path: live → desired", then the actions with a reason each.

States: in-sync, pending (the manifest changed since the last apply), drifted (live
changed outside git), missing (not live yet), orphaned (managed, no longer in the
manifests), conflict (a same-named resource this controller does not manage), invalid
(its manifest does not load).

Exit status: 0 no changes (or changes, without --detailed-exitcode); 2 changes to
apply, with --detailed-exitcode; 1 an error (a manifest that does not load, AWS
unreachable).

Flags:
  --format text|json|markdown  text for a terminal (default), json for machines,
                               markdown for a pull-request comment
  --out FILE                   write the plan there instead of standard output
  --detailed-exitcode          exit 2 when there are changes
  --prune                      plan deletions of orphaned resources too
  --adopt                      plan taking over same-named unmanaged resources
  --cluster GLOB               this controller's shard: only matching clusters (repeatable, globs)
  --keep-revisions N           with --prune: ACTIVE revisions kept per family (default 5)
  --redact PATTERN             environment names whose values are masked (repeatable;
                               default PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL)

${COMMON_HELP}

Examples:
  ecs-reconciler plan manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000
  ecs-reconciler plan manifests/ --format markdown --out plan.md --detailed-exitcode
`;

export const PASS_OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  prune: { type: 'boolean' },
  adopt: { type: 'boolean' },
  'keep-revisions': { type: 'string' },
  redact: { type: 'string', multiple: true },
  cluster: { type: 'string', multiple: true },
} as const;

export function renderReport(report: Report, format: 'text' | 'json' | 'markdown' | 'html'): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  if (format === 'markdown') return renderMarkdown(report);
  if (format === 'html') return renderPage(report, {}, { static: true });
  return renderText(report);
}

export async function planCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...PASS_OPTIONS, 'detailed-exitcode': { type: 'boolean' } }, { min: 1, max: 1, names: 'DIR (the manifests folder)' });
  if (values.help) {
    io.stdout(PLAN_HELP);
    return 0;
  }
  return runPassCommand('plan', positionals[0]!, values, io, values['detailed-exitcode'] ?? false);
}

export interface PassCommandFlags {
  format?: string;
  out?: string;
  prune?: boolean;
  adopt?: boolean;
  'keep-revisions'?: string;
  var?: string[];
  'var-file'?: string[];
  region?: string;
  endpoint?: string;
  'controller-id'?: string;
  'dry-run'?: boolean;
  redact?: string[];
  cluster?: string[];
}

export async function runPassCommand(mode: 'plan' | 'apply', dir: string, values: PassCommandFlags, io: CommandIO, detailedExitCode: boolean): Promise<number> {
  const format = oneOf('format', values.format, ['text', 'json', 'markdown'] as const, 'text');
  const region = requireRegion(values.region, io);
  const controllerId = values['controller-id'] ?? DEFAULT_CONTROLLER_ID;
  const keepRevisions = positiveInt('keep-revisions', values['keep-revisions'], 5);
  const load = await loadDesired({ dir, vars: values.var ?? [], varFiles: values['var-file'] ?? [], region }, io);
  const gateways = makeGateways({ ...(values.endpoint ? { endpoint: values.endpoint } : {}), env: io.env });
  const gitRevision = await gitRevisionOf(path.resolve(io.cwd, dir));
  const actualMode = mode === 'apply' && values['dry-run'] ? 'plan' : mode;
  try {
    const pass = await runReconcilePass(load, {
      gateways,
      controllerId,
      defaultRegion: region,
      mode: actualMode,
      prune: values.prune ?? false,
      adopt: values.adopt ?? false,
      keepRevisions,
      ...(gitRevision ? { gitRevision } : {}),
      now: () => new Date(),
      redactor: redactorFrom(values.redact),
      ...(values.cluster?.length ? { clusters: clusterSelector(values.cluster)! } : {}),
      onAction: (r) => {
        if (format === 'text' && !values.out) io.stderr(`${r.outcome === 'applied' ? '✓' : r.outcome === 'failed' ? '✗' : '·'} ${r.action.kind} ${r.action.resource}${r.message && r.outcome !== 'applied' ? `: ${r.message}` : ''} (${r.durationMs} ms)\n`);
      },
    });
    const text = renderReport(pass.report, format);
    if (values.out) await writeFile(path.resolve(io.cwd, values.out), text);
    else io.stdout(text);
    if (pass.readFailed || pass.problems.length > 0) return 1;
    if (mode === 'apply' && actualMode === 'apply') return pass.results.some((r) => r.outcome === 'failed') ? 1 : 0;
    return detailedExitCode && pass.plan.actions.length > 0 ? 2 : 0;
  } finally {
    gateways.destroy();
  }
}
