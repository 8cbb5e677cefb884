/** Pure: diffs, plan and apply results -> the report model (redacted). */
import { RESOURCE_STATES, type ResourceDiff, type ResourceState } from '../diff/types.js';
import type { KindHealth } from '../kinds/kind.js';
import { kindOf, stageOf } from '../kinds/registry.js';
import type { Problem } from '../model/problem.js';
import { memoizedOnFields } from '../model/record-memo.js';
import type { ActionResult, Plan } from '../plan/types.js';
import { REPORT_SCHEMA_VERSION, type Report, type ReportAction, type ReportChange, type ReportResource, type ReportScaling } from './model.js';
import { Redactor } from './redact.js';

export interface BuildReportInput {
  diffs: readonly ResourceDiff[];
  plan: Plan;
  results?: readonly ActionResult[];
  problems: readonly Problem[];
  loadComplete: boolean;
  controllerId: string;
  mode: Report['mode'];
  now: Date;
  gitRevision?: string;
  repository?: string;
  redactor?: Redactor;
}

/**
 * The kind's health block for a live resource (a Service's rollout, a Cluster's tasks), when
 * it has one: the same object while the record's fields are the same objects
 * (memoizedOnFields), not a new block a pass for every record the daemon kept (issue 19).
 */
const kindHealth = memoizedOnFields((live, kind: ResourceDiff['kind']) => kindOf(kind).health?.(live as NonNullable<ResourceDiff['live']>));
function healthOf(d: ResourceDiff): KindHealth | undefined {
  return d.live ? kindHealth(d.live, d.kind) : undefined;
}

function scalingOf(d: ResourceDiff): ReportScaling | undefined {
  return d.live ? kindOf(d.kind).scaling?.({ ...d, live: d.live }) : undefined;
}

/**
 * What a create will set, as a reviewer wants to read it (Terraform lists every attribute of
 * a new resource): the normalized target, plus what the target keeps apart (a Service's
 * task definition reference and auto scaling, the user tags).
 */
function createdFields(d: ResourceDiff, redactor: Redactor): Record<string, unknown> | undefined {
  if (d.state !== 'missing' || !d.target) return undefined;
  const fields: Record<string, unknown> = { ...d.target };
  // only a Service's spec has a taskDefinition (its reference; RegisterTaskDefinition and CreateCluster have none)
  if (d.desired?.spec.taskDefinition !== undefined) fields.taskDefinition = d.desired.spec.taskDefinition;
  if (d.targetScaling) fields.autoScaling = d.targetScaling;
  if (d.targetTags && Object.keys(d.targetTags).length) fields.tags = d.targetTags;
  return redactor.deep(fields) as Record<string, unknown>;
}

/**
 * What most resources of a big estate have: no changes, nothing ignored, no action. One
 * frozen empty list for all of them, not three new ones each (a report of 20,010
 * resources was about 2 MB of empty lists, twice over while a pass builds the next one
 * beside the last: issue 19); frozen, so a change to one would throw, not spread.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** A manifest's `file:line`, one string while its manifest is the same object (the daemon's parse cache): the last report and the next share it. */
const sources = new WeakMap<object, string>();
function sourceOf(d: NonNullable<ResourceDiff['desired']>): string {
  let s = sources.get(d);
  if (s === undefined) {
    s = `${d.source.file}:${d.source.line}`;
    sources.set(d, s);
  }
  return s;
}

export function buildReport(input: BuildReportInput): Report {
  const redactor = input.redactor ?? new Redactor();
  const redactChange = (c: { path: string; live: unknown; desired: unknown; cause: ReportChange['cause'] }): ReportChange => ({
    path: c.path,
    live: redactor.valueAt(c.path, c.live),
    desired: redactor.valueAt(c.path, c.desired),
    cause: c.cause,
  });
  const resultsByAction = new Map((input.results ?? []).map((r) => [r.action, r]));
  // by resource once, not searched per resource: a first apply of a big estate plans thousands
  const actionsByResource = new Map<string, Plan['actions']>();
  for (const a of input.plan.actions) {
    const list = actionsByResource.get(a.resource);
    if (list) list.push(a);
    else actionsByResource.set(a.resource, [a]);
  }
  const skippedByResource = new Map<string, Plan['skipped'][number]>();
  for (const sk of input.plan.skipped) if (!skippedByResource.has(sk.resource)) skippedByResource.set(sk.resource, sk);
  const byState = Object.fromEntries(RESOURCE_STATES.map((s) => [s, 0])) as Record<ResourceState, number>;
  const resources: ReportResource[] = input.diffs.map((d) => {
    byState[d.state]++;
    const actions: ReportAction[] = (actionsByResource.get(d.id) ?? NONE).map((a) => {
      const r = resultsByAction.get(a);
      return {
        kind: a.kind,
        stage: stageOf(a.kind),
        reason: a.reason,
        fields: a.fields,
        outcome: r?.outcome ?? 'planned',
        ...(r?.message ? { message: r.message } : {}),
      };
    });
    const skipped = skippedByResource.get(d.id);
    const scaling = scalingOf(d);
    const health = healthOf(d);
    const creates = createdFields(d, redactor);
    return {
      id: d.id,
      kind: d.kind,
      region: d.region,
      ...(d.cluster ? { cluster: d.cluster } : {}),
      name: d.name,
      state: d.state,
      reason: d.reason,
      ...(d.desired ? { source: sourceOf(d.desired) } : {}),
      suspended: d.suspended,
      changes: d.changes.length ? d.changes.map(redactChange) : NONE,
      ...(creates ? { creates } : {}),
      ignored: d.ignored.length ? d.ignored.map(redactChange) : NONE,
      actions: actions.length ? actions : NONE,
      ...(skipped ? { skipped: { reason: skipped.reason, error: skipped.error } } : {}),
      ...(scaling ? { scaling } : {}),
      ...(health ? { health } : {}),
      ...(d.fight ? { fight: { fields: [...d.fight.fields], since: d.fight.since, applied: d.fight.applied } } : {}),
      ...(d.degraded ? { degraded: { ...d.degraded, stoppedReasons: [...d.degraded.stoppedReasons] } } : {}),
    };
  });
  const results = input.results ?? [];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.now.toISOString(),
    controllerId: input.controllerId,
    mode: input.mode,
    ...(input.gitRevision ? { gitRevision: input.gitRevision } : {}),
    ...(input.repository ? { repository: input.repository } : {}),
    loadComplete: input.loadComplete,
    ...(input.plan.prune ? { prune: { ...input.plan.prune } } : {}),
    summary: {
      resources: resources.length,
      byState,
      actionsPlanned: input.plan.actions.length,
      actionsApplied: results.filter((r) => r.outcome === 'applied').length,
      actionsFailed: results.filter((r) => r.outcome === 'failed').length,
      problems: input.problems.length,
    },
    resources,
    problems: [...input.problems],
  };
}
