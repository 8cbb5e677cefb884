import path from 'node:path';
import type { ResourceDiff } from '../diff/index.js';
import { gitRevisionOf } from '../manifests/index.js';
import { formatProblem } from '../model/problem.js';
import { runReconcilePass } from '../pipeline/reconcile-pass.js';
import { TARGET_HELP } from '../pipeline/target.js';
import type { Report } from '../report/index.js';
import { type Redactor, specJsonLines, specYaml } from '../report/index.js';
import { NO_COLORS, TERMINAL_COLORS, unifiedDiff } from '../report/unified-diff.js';
import { COMMON_HELP, oneOf, parseCommandArgs } from './flags.js';
import { type CommandIO, wantsColor } from './io.js';
import { manifestSourceOf, noticesToStderr } from './load-desired.js';
import { parseTargets } from './plan.js';
import { DEFAULT_CONTROLLER_ID, makeGateways, redactorFrom, requireRegion } from './reconcile-flags.js';

const DIFF_HELP = `Usage: ecs-reconciler diff DIR [--format yaml|json] [--target KIND/NAME] [--exit-code]

Reads live ECS (read-only calls) and prints, for each resource whose live state differs
from its manifest, a unified diff (as "diff -u" and "git diff") from the live spec to
the desired one, both normalized as the plan compares them: server-filled defaults
dropped, order-free lists sorted, keys in a stable order. A resource to be created
diffs from nothing. Values of sensitive environment variables are redacted on both
sides (a change still shows: the masks differ). Colored on a terminal; plain when
piped or when NO_COLOR is set.

Exit status: 0 (without --exit-code, also when there are differences); with
--exit-code: 0 no differences, 1 differences, 2 an error. Without --exit-code an
error is 1.

Flags:
  --format yaml|json          the specs as YAML (default) or as JSON lines
  --exit-code                 exit 1 when there are differences (for scripts)
  --adopt                     diff same-named unmanaged resources as apply --adopt would take them over
  --redact PATTERN            environment names whose values are masked (repeatable)
  ${TARGET_HELP}

${COMMON_HELP}

Examples:
  ecs-reconciler diff manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000
  ecs-reconciler diff manifests/ --target Service/prod/web --exit-code || echo "web has drifted"
`;

/** Which resources `diff` shows, and their two sides (redacted). */
function diffSides(diffs: readonly ResourceDiff[], report: Report, redactor: Redactor): Array<{ id: string; state: string; live: unknown; desired: unknown }> {
  const creates = new Map(report.resources.map((r) => [r.id, r.creates]));
  const out: Array<{ id: string; state: string; live: unknown; desired: unknown }> = [];
  for (const d of diffs) {
    if (d.state === 'missing') out.push({ id: d.id, state: d.state, live: undefined, desired: creates.get(d.id) });
    else if ((d.state === 'pending' || d.state === 'drifted') && d.changes.length && d.compared) {
      out.push({ id: d.id, state: d.state, live: redactor.deep(d.compared.live), desired: redactor.deep(d.compared.desired) });
    }
  }
  return out;
}

export async function diffCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      format: { type: 'string' },
      target: { type: 'string', multiple: true },
      'exit-code': { type: 'boolean' },
      adopt: { type: 'boolean' },
      redact: { type: 'string', multiple: true },
    },
    { min: 1, max: 1, names: 'DIR (the manifests folder)' },
  );
  if (values.help) {
    io.stdout(DIFF_HELP);
    return 0;
  }
  const exitCodes = values['exit-code'] ?? false;
  const errorExit = exitCodes ? 2 : 1;
  const format = oneOf('format', values.format, ['yaml', 'json'] as const, 'yaml');
  const region = await requireRegion(values, io);
  const target = parseTargets(values.target);
  const dir = positionals[0]!;
  const manifests = manifestSourceOf({ dir, vars: values.var ?? [], varFiles: values['var-file'] ?? [], region }, io);
  const gateways = makeGateways({ endpoint: values.endpoint, profile: values.profile, env: io.env });
  const redactor = redactorFrom(values.redact);
  try {
    const gitRevision = await gitRevisionOf(path.resolve(io.cwd, dir));
    const pass = await runReconcilePass(manifests, {
      onLoad: noticesToStderr(io),
      gateways,
      controllerId: values['controller-id'] ?? DEFAULT_CONTROLLER_ID,
      defaultRegion: region,
      mode: 'plan',
      prune: false,
      adopt: values.adopt ?? false,
      keepRevisions: 5,
      ...(target.length ? { target } : {}),
      ...(gitRevision ? { gitRevision } : {}),
      now: () => new Date(),
      redactor,
    });
    const colors = wantsColor(io) ? TERMINAL_COLORS : NO_COLORS;
    const render = format === 'json' ? specJsonLines : specYaml;
    const sides = diffSides(pass.diffs, pass.report, redactor);
    for (const s of sides) {
      io.stdout(
        unifiedDiff(
          s.live === undefined ? '' : render(s.live),
          render(s.desired),
          { before: s.live === undefined ? '/dev/null' : `live/${s.id}`, after: `desired/${s.id}` },
          colors,
        ),
      );
    }
    for (const p of pass.problems) io.stderr(`${formatProblem(p)}\n`);
    if (pass.readFailed || pass.problems.length) return errorExit;
    return exitCodes && sides.length > 0 ? 1 : 0;
  } finally {
    gateways.destroy();
  }
}
