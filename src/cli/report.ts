import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatProblem } from '../model/problem.js';
import { ReportSchema, SHOW_MODES } from '../report/index.js';
import { COMMON_HELP, oneOf, parseCommandArgs, UsageError } from './flags.js';
import type { CommandIO } from './io.js';
import { renderReport } from './plan.js';

const REPORT_HELP = `Usage: ecs-reconciler report --from URL|FILE [--format text|json|markdown|html] [--out FILE]

Prints a saved or live report in any format: a daemon's /report (e.g.
http://127.0.0.1:8080/report), or a file written by "plan --format json" or saved from
/report. The report is checked against its published schema (ecs-reconciler schema --report).

Flags:
  --from URL|FILE     where the report is (http(s):// URL or a file path)
  --format FORMAT     text (default), json, markdown (a pull-request comment), html (a page)
  --out FILE          write there instead of standard output
  --show changed|all  list resources with something to do (default; in-sync ones counted) or all

Exit status: 0 printed; 1 the report could not be read or is not a report.

${COMMON_HELP}

Examples:
  ecs-reconciler report --from http://127.0.0.1:8080/report --format markdown > comment.md
  ecs-reconciler plan manifests/ --format json --out plan.json && ecs-reconciler report --from plan.json
`;

export async function reportCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { from: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, show: { type: 'string' } },
    { min: 0, max: 0, names: '' },
  );
  if (values.help) {
    io.stdout(REPORT_HELP);
    return 0;
  }
  if (!values.from) throw new UsageError('--from URL|FILE is required');
  const format = oneOf('format', values.format, ['text', 'json', 'markdown', 'html'] as const, 'text');
  let text: string;
  try {
    if (/^https?:\/\//.test(values.from)) {
      const res = await fetch(values.from, { signal: AbortSignal.timeout(15_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      text = await res.text();
    } else text = await readFile(path.resolve(io.cwd, values.from), 'utf8');
  } catch (err) {
    io.stderr(`ecs-reconciler report: cannot read ${values.from}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    io.stderr(`ecs-reconciler report: ${values.from} is not JSON: ${(err as Error).message}\n`);
    return 1;
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    io.stderr(`ecs-reconciler report: ${values.from} is not an ecs-reconciler report (schema version 1):\n  ${first.join('\n  ')}\n`);
    return 1;
  }
  const out = renderReport(parsed.data, format, { show: oneOf('show', values.show, SHOW_MODES, 'changed') });
  if (values.out) await writeFile(path.resolve(io.cwd, values.out), out);
  else io.stdout(out);
  for (const p of parsed.data.problems) if (format === 'text' && !values.out && p.stage === 'read') io.stderr(`${formatProblem(p)}\n`);
  return 0;
}
