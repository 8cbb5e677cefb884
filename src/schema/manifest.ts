import { z } from 'zod';
import { ANNOTATION } from '../model/resource.js';
import { got, restoreProtoKeys } from './common.js';

export const API_VERSION = 'ecs-reconciler/v1' as const;

/** Prefix of the controller's own annotation keys. */
const ANNOTATION_PREFIX = 'ecs-reconciler/';

const ANNOTATIONS = ANNOTATION;

const KNOWN_ANNOTATIONS: readonly string[] = Object.values(ANNOTATIONS);

const boolString = z.enum(['true', 'false']);

const AnnotationsSchema = z
  .object({
    [ANNOTATIONS.prune]: boolString.optional().describe('"false": never delete this resource, even when its manifest goes.'),
    [ANNOTATIONS.allowReplace]: boolString.optional().describe('"true": may delete and re-create the resource when an immutable field changes.'),
    [ANNOTATIONS.suspend]: boolString.optional().describe('"true": report only; never change this resource.'),
    [ANNOTATIONS.ignore]: z.string().optional().describe('Field paths owned elsewhere, e.g. "containerDefinitions[name=web].image" (comma-separated).'),
    [ANNOTATIONS.suspendScaleInDuringDeploy]: boolString.optional().describe('"true": suspend auto scaling scale-in while a deployment runs.'),
  })
  .catchall(z.string())
  .superRefine((a, ctx) => {
    for (const key of Object.keys(a)) {
      if (key.startsWith(ANNOTATION_PREFIX) && !KNOWN_ANNOTATIONS.includes(key)) {
        ctx.addIssue({
          code: 'unrecognized_keys',
          keys: [key],
          path: [],
          message: `unknown annotation ${JSON.stringify(key)}; the ${ANNOTATION_PREFIX} annotations are ${KNOWN_ANNOTATIONS.join(', ')}`,
        });
      }
    }
  })
  .transform((a) => restoreProtoKeys(a as Record<string, string>) as typeof a)
  .describe(`Behaviour knobs, all strings. Keys under "${ANNOTATION_PREFIX}" are the controller's; other keys are free.`);

const RegionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: got('expected an AWS region such as eu-west-1') })
  .describe('AWS region, e.g. eu-west-1; default from --region or AWS_REGION.');

/** region and annotations: what every kind's metadata has besides its name */
export const metadataCommon = {
  region: RegionSchema.optional(),
  annotations: AnnotationsSchema.optional(),
};

export const apiVersion = z.literal(API_VERSION).describe(`Always ${API_VERSION}.`);

export type Annotations = z.infer<typeof AnnotationsSchema>;
