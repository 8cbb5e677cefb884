import { z } from 'zod';

const MANIFEST_SCHEMA_ID = 'https://ecs-reconciler.dev/schema/manifest-v1.json';

/**
 * The JSON Schema (draft 2020-12) of one manifest document, generated from
 * ManifestSchema (the input side: what a user writes), for editors' YAML language
 * servers (`ecs-reconciler schema`).
 */
export function manifestJsonSchema(manifestSchemas: readonly z.ZodType[]): Record<string, unknown> {
  // the registry's kinds (src/cli/schema.ts passes them: src/schema cannot import src/kinds)
  const schema = z.union(manifestSchemas as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: MANIFEST_SCHEMA_ID,
    title: 'ecs-reconciler manifest (ecs-reconciler/v1)',
    ...rest,
  };
}
