/**
 * Pure: a saved plan (`plan --out-plan FILE`) and the check `apply --plan FILE` makes
 * before it changes anything. As with Terraform's saved plans, what was reviewed is
 * what is applied: a fresh plan is made at apply time and must hold the same actions,
 * on the same desired specs (applied-hash), over the same live differences; otherwise
 * apply refuses and says what differs. The file holds hashes, never spec values, so a
 * secret in a manifest never lands in a CI artifact.
 */
import { z } from 'zod';
import { specHash } from '../diff/hash.js';
import type { ResourceDiff } from '../diff/types.js';
import { emptyRecord } from '../model/own-keys.js';
import type { ActionKind, Plan, PlannedAction } from './types.js';

const SAVED_PLAN_VERSION = 1;

/** The saved plan's schema over the actions a plan can hold (the registry's: src/plan cannot import src/kinds). */
const savedPlanSchema = (actionKinds: readonly ActionKind[]) =>
  z.object({
    format: z.literal('ecs-reconciler-plan'),
    version: z.literal(SAVED_PLAN_VERSION),
    createdAt: z.string(),
    gitRevision: z.string().optional(),
    options: z.object({
      controllerId: z.string(),
      prune: z.boolean(),
      adopt: z.boolean(),
      keepRevisions: z.number(),
      targets: z.array(z.string()),
    }),
    actions: z.array(
      z.object({
        kind: z.enum(actionKinds as [ActionKind, ...ActionKind[]]),
        resource: z.string(),
        fields: z.array(z.string()),
        revisions: z.array(z.string()).optional(),
      }),
    ),
    /** per resource judged: the desired spec's hash and a hash of its field changes (live and desired values) */
    resources: z.record(z.string(), z.object({ state: z.string(), desiredHash: z.string().optional(), changesHash: z.string() })),
  });

export type SavedPlan = z.infer<ReturnType<typeof savedPlanSchema>>;
export type SavedPlanOptions = SavedPlan['options'];

/** Every resource the plan judged, not only those with actions: a manifest edited since, or a drift since, refuses the apply too. */
function fingerprints(diffs: readonly ResourceDiff[]): SavedPlan['resources'] {
  const out: SavedPlan['resources'] = emptyRecord() as SavedPlan['resources'];
  for (const d of diffs) {
    if (Object.hasOwn(out, d.id)) continue;
    out[d.id] = {
      state: d.state,
      ...(d.desiredHash ? { desiredHash: d.desiredHash } : {}),
      changesHash: specHash(d.changes.map((c) => [c.path, c.live ?? null, c.desired ?? null])),
    };
  }
  return out;
}

const actionOf = (a: PlannedAction): SavedPlan['actions'][number] => ({
  kind: a.kind,
  resource: a.resource,
  fields: [...a.fields].sort(),
  ...(a.revisions ? { revisions: [...a.revisions].sort() } : {}),
});

export function savedPlanOf(plan: Plan, diffs: readonly ResourceDiff[], options: SavedPlanOptions, meta: { now: Date; gitRevision?: string }): SavedPlan {
  return {
    format: 'ecs-reconciler-plan',
    version: SAVED_PLAN_VERSION,
    createdAt: meta.now.toISOString(),
    ...(meta.gitRevision ? { gitRevision: meta.gitRevision } : {}),
    options: { ...options, targets: [...options.targets] },
    actions: plan.actions.map(actionOf),
    resources: fingerprints(diffs),
  };
}

/** The saved plan, or a sentence saying why the text is not one. */
export function parseSavedPlan(text: string, actionKinds: readonly ActionKind[]): SavedPlan | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const parsed = savedPlanSchema(actionKinds).safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    return `not a saved plan of this version (${SAVED_PLAN_VERSION}; write one with "plan --out-plan FILE"): ${first.join('; ')}`;
  }
  return parsed.data;
}

const actionKey = (a: SavedPlan['actions'][number]) => `${a.kind} ${a.resource}`;
const describeAction = (a: SavedPlan['actions'][number]) =>
  `${a.kind} ${a.resource}${a.fields.length ? ` (${a.fields.join(', ')})` : ''}${a.revisions ? ` (${a.revisions.length} revision(s))` : ''}`;

/** What differs between the saved plan and a fresh one, one sentence each; empty when they agree. */
export function compareSavedPlan(saved: SavedPlan, fresh: SavedPlan): string[] {
  const out: string[] = [];
  const so = saved.options;
  const fo = fresh.options;
  if (so.controllerId !== fo.controllerId) out.push(`the controller id is "${fo.controllerId}", the plan was made for "${so.controllerId}"`);
  const savedActions = new Map(saved.actions.map((a) => [actionKey(a), a]));
  const freshActions = new Map(fresh.actions.map((a) => [actionKey(a), a]));
  for (const [key, a] of freshActions) {
    const before = savedActions.get(key);
    if (!before) out.push(`+ ${describeAction(a)}: in a fresh plan, not in the saved one`);
    else if (before.fields.join(',') !== a.fields.join(',') || (before.revisions ?? []).join(',') !== (a.revisions ?? []).join(',')) {
      out.push(`~ ${key}: now ${describeAction(a)}, saved ${describeAction(before)}`);
    }
  }
  for (const [key, a] of savedActions) if (!freshActions.has(key)) out.push(`- ${describeAction(a)}: in the saved plan, no longer planned`);
  for (const [id, before] of Object.entries(saved.resources)) {
    const now = Object.hasOwn(fresh.resources, id) ? fresh.resources[id] : undefined;
    if (!now) {
      out.push(`${id}: in the saved plan, gone from a fresh one`);
      continue;
    }
    if (before.desiredHash !== now.desiredHash)
      out.push(`${id}: the manifest changed since the plan (applied-hash ${before.desiredHash ?? 'none'} → ${now.desiredHash ?? 'none'})`);
    else if (before.state !== now.state) out.push(`${id}: was ${before.state} when planned, is ${now.state} now`);
    else if (before.changesHash !== now.changesHash) out.push(`${id}: live ECS changed since the plan (its field differences are not the ones reviewed)`);
  }
  for (const id of Object.keys(fresh.resources)) if (!Object.hasOwn(saved.resources, id)) out.push(`${id}: new since the plan`);
  return out;
}
