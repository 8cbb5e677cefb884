/**
 * One report model; every format (text, JSON, Markdown, the page) renders from it.
 * Defined once, in zod: the TypeScript types and the published JSON Schema
 * (`ecs-reconciler schema --report`) both come from here.
 */
import { z } from 'zod';
import { CHANGE_CAUSES, RESOURCE_STATES } from '../diff/types.js';
import type { KindHealth } from '../kinds/kind.js';
import { ACTION_KINDS, REGISTRY } from '../kinds/registry.js';
import { ReportScalingSchema } from '../kinds/service/report.js';
import type { Kind } from '../model/resource.js';
import type { ActionKind } from '../plan/types.js';

export const REPORT_SCHEMA_VERSION = 1;
const REPORT_SCHEMA_ID = 'https://ecs-reconciler.dev/schema/report-v1.json';

const State = z.enum(RESOURCE_STATES);
const Cause = z.enum(CHANGE_CAUSES);
const ActionKindSchema = z.enum(ACTION_KINDS as [ActionKind, ...ActionKind[]]);

const ReportChangeSchema = z.object({
  path: z.string().describe('field path, lists keyed by name: containerDefinitions[name=web].image'),
  live: z.unknown().optional().describe('absent when the field is unset live'),
  desired: z.unknown().optional().describe('absent when the manifest unsets the field'),
  cause: Cause,
});

const ReportActionSchema = z.object({
  kind: ActionKindSchema,
  stage: z.enum(['apply', 'prune']).optional().describe('deletions are the prune stage: they run only after every create and update succeeded'),
  reason: z.string(),
  fields: z.array(z.string()),
  outcome: z.enum(['applied', 'failed', 'skipped', 'planned']).optional(),
  message: z.string().optional(),
});

const ReportHistorySchema = z.object({
  since: z.string().describe('when the resource entered its current state (ISO time), as far back as the history goes'),
  passesInState: z.number(),
  driftedPasses: z.number().describe('passes in the history that saw it drifted'),
  flapping: z.boolean().describe('its state changed often in the recent passes'),
});

const ReportFightSchema = z
  .object({
    fields: z.array(z.string()).describe('the field paths that came back after each apply'),
    since: z.string().describe('when the controller first applied this change (ISO time)'),
    applied: z.number().describe('passes in a row that applied it'),
  })
  .describe(
    'state fighting: the same change was applied on passes in a row and came back each time; no longer applied until the manifest changes or live stops changing back',
  );

const ReportDegradedSchema = z
  .object({
    revision: z.string().describe('the revision that failed (family:revision)'),
    deploymentId: z.string(),
    reason: z.string().optional().describe("ECS's rolloutStateReason, while the deployment is listed"),
    rolledBack: z.boolean().describe('ECS rolled the service back to the previous revision (circuit breaker or alarms)'),
    since: z.string(),
    stoppedReasons: z.array(z.string()),
  })
  .describe('state degraded: a deployment of this controller failed or was rolled back; not deployed again for the same manifest');

const ReportResourceSchema = z.object({
  id: z.string(),
  kind: z.enum(REGISTRY.map((k) => k.name) as [Kind, ...Kind[]]),
  region: z.string(),
  cluster: z.string().optional(),
  name: z.string(),
  state: State,
  reason: z.string(),
  source: z.string().optional().describe('the manifest, file:line'),
  suspended: z.boolean(),
  changes: z.array(ReportChangeSchema),
  creates: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'for a resource to be created (missing): every field it will be created with, the normalized desired spec (server-filled defaults dropped; secrets as their valueFrom references; sensitive values redacted)',
    ),
  ignored: z.array(ReportChangeSchema).describe('fields an ignore rule or the autoscaler owns: shown, never converged'),
  actions: z.array(ReportActionSchema),
  skipped: z.object({ reason: z.string(), error: z.boolean() }).optional(),
  scaling: ReportScalingSchema.optional(),
  // the kinds' health blocks (each kind's healthSchema, from its report.ts)
  health: (z.union(REGISTRY.flatMap((k) => (k.healthSchema ? [k.healthSchema] : []))) as unknown as z.ZodType<KindHealth>).optional(),
  history: ReportHistorySchema.optional(),
  fight: ReportFightSchema.optional(),
  degraded: ReportDegradedSchema.optional(),
});

const ProblemSchema = z.object({
  stage: z.enum(['load', 'validate', 'read', 'diff', 'plan', 'apply', 'prune']),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  path: z.string().optional(),
  resource: z.string().optional(),
  hint: z.string().optional(),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  generatedAt: z.string(),
  controllerId: z.string(),
  mode: z.enum(['plan', 'apply', 'report']),
  gitRevision: z.string().optional(),
  repository: z
    .string()
    .optional()
    .describe("the manifests' repository (remote and path), recorded on every resource applied; prune never deletes another repository's resources"),
  loadComplete: z.boolean(),
  prune: z
    .object({
      status: z.enum(['off', 'planned', 'refused']),
      reason: z.string().optional().describe('why the prune stage does not run, and how to go on'),
      deletions: z.number(),
      managed: z.number(),
      maxPrune: z.number(),
    })
    .optional()
    .describe('the prune stage: deletions of orphaned resources, judged as a whole'),
  summary: z.object({
    resources: z.number(),
    byState: z.record(State, z.number()),
    actionsPlanned: z.number(),
    actionsApplied: z.number(),
    actionsFailed: z.number(),
    problems: z.number(),
  }),
  resources: z.array(ReportResourceSchema),
  problems: z.array(ProblemSchema),
});

export type ReportChange = z.infer<typeof ReportChangeSchema>;
export type ReportAction = z.infer<typeof ReportActionSchema>;
export type { ReportScaling } from '../kinds/service/report.js';
export type ReportResource = z.infer<typeof ReportResourceSchema>;
export type Report = z.infer<typeof ReportSchema>;

export function reportJsonSchema(): Record<string, unknown> {
  return { $id: REPORT_SCHEMA_ID, title: 'ecs-reconciler report', ...(z.toJSONSchema(ReportSchema, { io: 'output' }) as Record<string, unknown>) };
}
