import { REGISTRY } from '../kinds/registry.js';
import { reportJsonSchema } from '../report/index.js';
import { manifestJsonSchema } from '../schema/index.js';
import { parseCommandArgs } from './flags.js';
import type { CommandIO } from './io.js';

const SCHEMA_HELP = `Usage: ecs-reconciler schema [--report] [--out FILE]

Prints the JSON Schema (draft 2020-12) of one manifest document: every
CapacityProvider, Cluster, TaskDefinition and Service field with ECS's own enums and limits. Editors that run
the YAML language server complete and check manifests with it; put this line at the
top of a manifest:

  # yaml-language-server: $schema=../ecs-reconciler.schema.json

With --report, prints instead the JSON Schema of the report (plan --format json,
the daemon's /report), versioned by its schemaVersion field.

Examples:
  ecs-reconciler schema > ecs-reconciler.schema.json
  ecs-reconciler schema --report > report.schema.json
`;

export async function schemaCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { out: { type: 'string' }, report: { type: 'boolean' } }, { min: 0, max: 0, names: '' });
  if (values.help) {
    io.stdout(SCHEMA_HELP);
    return 0;
  }
  const text = `${JSON.stringify(values.report ? reportJsonSchema() : manifestJsonSchema(REGISTRY.map((k) => k.manifestSchema)), null, 2)}\n`;
  if (values.out) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(values.out, text);
  } else io.stdout(text);
  return 0;
}
