/**
 * The live read of task definition families: every ACTIVE revision ARN of the region
 * (ListTaskDefinitions), grouped by family, newest first; a revision is described once per
 * process (the gateway caches it by ARN, since a revision never changes), and a revision a
 * service this controller applied records (ARN and content hash, model/revision-record.ts)
 * is known without a read at all.
 */
import type { Gateway as AwsGateway, Gateways as AwsGateways } from '../../aws/index.js';
import { projectLiveTaskDefinition } from '../../diff/projection.js';
import type { Json, LiveEstate, LiveRevision, LiveTaskDefinitionFamily } from '../../model/live.js';
import { resourceId, TAG } from '../../model/resource.js';
import { revisionOf } from '../../model/revision-arn.js';
import { recordedRevision, recordedRevisionOf } from '../../model/revision-record.js';
import type { LiveReadScope, NamedReadScope } from '../kind.js';
import { sameAsLast } from '../same-record.js';

/**
 * The projection of a revision, memoized on the gateway's cached response object: a
 * revision never changes, so neither does its projection, and the same object lets the
 * diff memoize its normalization too.
 */
const projections = new WeakMap<object, Json>();
function projectedRevision(td: Json): Json {
  let p = projections.get(td);
  if (!p) {
    p = projectLiveTaskDefinition(td);
    projections.set(td, p);
  }
  return p;
}

/** One revision, described (DescribeTaskDefinition with its tags) and projected. */
export async function readRevision(gw: AwsGateway, arn: string): Promise<LiveRevision> {
  const { taskDefinition, tags } = await gw.describeTaskDefinition(arn);
  const { family, revision } = revisionOf(taskDefinition.taskDefinitionArn ?? arn);
  return { arn: taskDefinition.taskDefinitionArn ?? arn, family, revision, tags, spec: projectedRevision(taskDefinition as Json) };
}

/**
 * The revisions the region's services record (ARN and content hash, written at apply):
 * known without a read. A record stays true after the service moved on, since the revision
 * cannot change.
 */
export function revisionsRecordedOn(services: Iterable<{ tags: Readonly<Record<string, string>> }>): Map<string, LiveRevision> {
  const recorded = new Map<string, LiveRevision>();
  for (const { tags } of services) {
    const rec = recordedRevisionOf(tags, tags[TAG.taskDefinition]);
    if (rec && !recorded.has(rec.arn)) recorded.set(rec.arn, recordedRevision(rec.arn, rec.hash, tags[TAG.managedBy]));
  }
  return recorded;
}

/**
 * A family from its ACTIVE revision ARNs (newest first); undefined when neither wanted
 * nor ours. A family no manifest wants is about to be judged orphaned (its prune tag
 * decides), so its revisions are read whole, never taken from a record.
 */
async function familyFromRevisions(
  gw: AwsGateway,
  region: string,
  family: string,
  arns: string[],
  wanted: boolean,
  controllerId: string,
  recorded?: ReadonlyMap<string, LiveRevision>,
): Promise<LiveTaskDefinitionFamily | undefined> {
  const known = wanted ? recorded?.get(arns[0]!) : undefined;
  const latest = known ?? (await readRevision(gw, arns[0]!));
  let latestManaged: LiveRevision | undefined = latest.tags[TAG.managedBy] === controllerId ? latest : undefined;
  if (!latestManaged && wanted) {
    // Someone registered a newer revision by hand: find ours further back (cached reads).
    for (const arn of arns.slice(1)) {
      const r = await readRevision(gw, arn);
      if (r.tags[TAG.managedBy] === controllerId) {
        latestManaged = r;
        break;
      }
    }
  }
  if (!wanted && !latestManaged) return undefined;
  return { kind: 'TaskDefinition', region, name: family, activeRevisionArns: arns, latest, ...(latestManaged ? { latestManaged } : {}) };
}

/** The region's families the manifests name or this controller manages (a revision of theirs carries its tag). */
export async function readFamilies(gw: AwsGateway, region: string, scope: LiveReadScope): Promise<LiveTaskDefinitionFamily[]> {
  // read after the services (readAfter): what their tags record needs no DescribeTaskDefinition
  const recorded = revisionsRecordedOn([...(scope.estate?.services.values() ?? [])].filter((s) => s.region === region));
  const byFamily = new Map<string, string[]>();
  for (const arn of await gw.listTaskDefinitionArns()) {
    const { family } = revisionOf(arn);
    const list = byFamily.get(family);
    if (list) list.push(arn);
    else byFamily.set(family, [arn]);
  }
  for (const list of byFamily.values()) list.sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
  const out: LiveTaskDefinitionFamily[] = [];
  for (const [family, arns] of byFamily) {
    const live = await familyFromRevisions(gw, region, family, arns, scope.all === true || scope.wanted.has(family), scope.controllerId, recorded);
    // the last read's record while it is the same (the daemon's whole reads: LiveReadScope.previous)
    if (live) out.push(sameAsLast(live, scope.previous?.families.get(resourceId({ kind: 'TaskDefinition', region, name: family }))));
  }
  scope.progress?.(`${region}: ${byFamily.size} task definition famil${byFamily.size === 1 ? 'y' : 'ies'}`);
  return out;
}

/** The revisions a family's last read held: a revision never changes, so they are not described again. */
function knownRevisions(scope: NamedReadScope<LiveTaskDefinitionFamily>, region: string, family: string): Map<string, LiveRevision> {
  // (a resync slice refreshes 100 families; at 10,000 the gateway's revision cache cannot hold them all)
  const before = scope.before.get(resourceId({ kind: 'TaskDefinition', region, name: family }));
  const known = new Map<string, LiveRevision>();
  for (const r of [before?.latest, before?.latestManaged]) if (r) known.set(r.arn, r);
  return known;
}

/** One family's ACTIVE revisions by its own ListTaskDefinitions (familyPrefix matches by prefix: keep the family's own). */
/** A family's ACTIVE revision ARNs (familyPrefix matches by prefix: only the family's own are kept). */
export async function familyArns(gw: AwsGateway, family: string): Promise<string[]> {
  return (await gw.listTaskDefinitionArns({ familyPrefix: family })).filter((a) => revisionOf(a).family === family);
}

/**
 * Where a resync cycle is in the region's ListTaskDefinitions (ASC: by family, then
 * revision): the token of the page the last slice stopped in (undefined: the first page),
 * and the last family handed out.
 */
interface RevisionListCursor {
  pageToken?: string;
  lastFamily?: string;
}

/**
 * The ARNs of the families `names` (sorted) from the cycle's pages, read on from the page
 * the slice before stopped in (read again: its ARNs are minutes old): a cycle's slices name
 * the families in the order the pages list them, so the cycle reads each page about once,
 * and once more per slice. The first family of a page read with a token an earlier slice got
 * is `unsure`: between two slices a revision registered or deregistered before the token
 * may have moved the page (ECS documents nothing about a token over a list that changed).
 */
async function arnsFromCyclePages(
  gw: AwsGateway,
  names: readonly string[],
  cursor: RevisionListCursor,
): Promise<{ arns: Map<string, string[]>; unsure: Set<string> }> {
  const first = names[0]!;
  const last = names[names.length - 1]!;
  // a new cycle (or slices out of order): from the first page again
  if (cursor.lastFamily !== undefined && first <= cursor.lastFamily) delete cursor.pageToken;
  const wanted = new Set(names);
  const arns = new Map<string, string[]>();
  const unsure = new Set<string>();
  let tokenFromEarlierSlice = cursor.pageToken !== undefined;
  for (;;) {
    const page = await gw.listTaskDefinitionArnsPage(cursor.pageToken);
    if (tokenFromEarlierSlice && page.arns.length) unsure.add(revisionOf(page.arns[0]!).family);
    tokenFromEarlierSlice = false;
    let pastLast = false;
    for (const arn of page.arns) {
      const { family } = revisionOf(arn);
      if (family > last) {
        pastLast = true;
        break;
      }
      if (!wanted.has(family)) continue;
      const list = arns.get(family);
      if (list) list.push(arn);
      else arns.set(family, [arn]);
    }
    // the next slice starts in this page (or the list has ended here)
    if (pastLast || !page.nextToken) break;
    cursor.pageToken = page.nextToken;
  }
  cursor.lastFamily = last;
  return { arns, unsure };
}

/**
 * The named families only, read whole. A resync cycle's slice (`scope.cycle`) reads the
 * cycle's ListTaskDefinitions pages in turn; a targeted pass (an event, a file change)
 * lists each family by its prefix. A family the pages did not show is listed by its prefix
 * before it is called gone.
 */
export async function readNamedFamilies(gw: AwsGateway, region: string, scope: NamedReadScope<LiveTaskDefinitionFamily>): Promise<LiveTaskDefinitionFamily[]> {
  const names = [...new Set(scope.refs.map((r) => r.name))].sort();
  let fromPages: { arns: Map<string, string[]>; unsure: Set<string> } | undefined;
  if (scope.cycle && names.length) {
    const key = `TaskDefinition/${region}`;
    let cursor = scope.cycle.state.get(key) as RevisionListCursor | undefined;
    if (!cursor) {
      cursor = {};
      scope.cycle.state.set(key, cursor);
    }
    fromPages = await arnsFromCyclePages(gw, names, cursor);
  }
  const out: LiveTaskDefinitionFamily[] = [];
  for (const name of names) {
    const paged = fromPages?.unsure.has(name) ? undefined : fromPages?.arns.get(name);
    const arns = paged ?? (await familyArns(gw, name));
    arns.sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
    if (!arns.length) continue;
    const live = await familyFromRevisions(gw, region, name, arns, true, scope.controllerId, knownRevisions(scope, region, name));
    if (live) out.push(live);
  }
  return out;
}

/**
 * Describes the revisions known only by record that a diff asked for (a changed
 * manifest whose fields are to be shown, an ignore rule that takes a field from live),
 * or all of them (`'all'`, for export), and puts the full revisions in their place: the
 * families' and the revision each service's PRIMARY deployment runs. A region whose reads
 * fail is marked unreadable, as a failed live read is.
 */
export async function describeRecordedRevisions(gateways: AwsGateways, live: LiveEstate, wanted: ReadonlySet<string> | 'all'): Promise<void> {
  const full = new Map<string, LiveRevision>();
  const resolve = async (region: string, rev: LiveRevision | undefined): Promise<LiveRevision | undefined> => {
    if (!rev || rev.spec || (wanted !== 'all' && !wanted.has(rev.arn)) || live.unreadable.has(region)) return rev;
    let r = full.get(rev.arn);
    if (!r) {
      try {
        r = await readRevision(gateways.forRegion(region), rev.arn);
      } catch (err) {
        live.unreadable.set(region, err instanceof Error ? err.message : String(err));
        return rev;
      }
      full.set(rev.arn, r);
    }
    return r;
  };
  for (const fam of live.families.values()) {
    fam.latest = (await resolve(fam.region, fam.latest))!;
    const managed = await resolve(fam.region, fam.latestManaged);
    if (managed) fam.latestManaged = managed.arn === fam.latest.arn ? fam.latest : managed;
  }
  for (const svc of live.services.values()) {
    const primary = await resolve(svc.region, svc.primaryRevision);
    if (primary) svc.primaryRevision = primary;
  }
}
