import { countByKind } from '../kinds/registry.js';
import { formatProblem } from '../model/problem.js';
import { resourceId } from '../model/resource.js';
import { COMMON_HELP, oneOf, parseCommandArgs, resolveRegion } from './flags.js';
import type { CommandIO } from './io.js';
import { loadDesired } from './load-desired.js';

const VALIDATE_HELP = `Usage: ecs-reconciler validate DIR [--format text|json] [--var K=V] [--var-file PATH]

Loads every manifest under DIR (.yaml, .yml and register-task-definition .json files,
hidden folders skipped) and checks it against the schema and against the other
manifests: unknown fields (with a did-you-mean), wrong types and ECS limits, two
manifests claiming one resource, a Service naming a Cluster or TaskDefinition that no
manifest defines, undefined \${VARS}. Makes no AWS call.

Every problem is printed as FILE:LINE:COLUMN FIELD.PATH: message. One bad file never
stops the others from being checked.

Exit status: 0 all valid, 1 any problem.

Flags:
  --format text|json    text for people (default), json for machines

${COMMON_HELP}

Examples:
  ecs-reconciler validate manifests/
  ecs-reconciler validate manifests/ --var-file .emulator.env --var IMAGE_TAG=1.4.2
  ecs-reconciler validate manifests/ --format json | jq '.problems[]'
`;

export async function validateCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' } }, { min: 1, max: 1, names: 'DIR (the manifests folder)' });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  const region = resolveRegion(values.region, io.env) ?? 'us-east-1';
  const result = await loadDesired(
    {
      dir: positionals[0]!,
      vars: values.var ?? [],
      varFiles: values['var-file'] ?? [],
      varEnv: values['var-env'] ?? [],
      varEnvPrefixes: values['var-env-prefix'] ?? [],
      region,
    },
    io,
  );
  const valid = result.problems.length === 0;
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          valid,
          files: result.fileCount,
          resources: result.resources.map((r) => ({
            id: resourceId(r),
            kind: r.kind,
            name: r.name,
            region: r.region,
            ...(r.cluster ? { cluster: r.cluster } : {}),
            file: r.source.file,
            line: r.source.line,
          })),
          problems: result.problems,
          notices: result.notices,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const p of result.problems) io.stdout(`${formatProblem(p)}\n`);
    for (const n of result.notices) io.stdout(`notice: ${formatProblem(n)}\n`);
    const summary = `${result.fileCount} file(s): ${countByKind(result.resources.map((r) => r.kind))} valid`;
    io.stdout(valid ? `${summary}.\n` : `${summary}; ${result.problems.length} problem(s), ${result.invalid.length} document(s) did not load.\n`);
  }
  return valid ? 0 : 1;
}
