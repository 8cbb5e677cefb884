/**
 * Pure: the live model to manifest objects, the reverse of the engine's normalization.
 * Each live spec (already projected onto the API's input shape by the kind's read) is run
 * through the same normalize* the diff uses: what ECS would fill in by itself, empty
 * lists and read-only fields go, order-free lists come out sorted; what remains is what
 * a person would have written, and by construction it normalizes back to the live spec.
 *
 * One folder per cluster: `<cluster>/cluster.yaml`, and `<cluster>/<service>.yaml` with
 * the Service and the TaskDefinition it runs (a family several exported services run is
 * written once, to `task-definitions/<family>.yaml`).
 *
 * A Service names its TaskDefinition manifest by family. The engine compares a service
 * with the family's NEWEST ACTIVE revision: when the PRIMARY deployment runs an older
 * revision of different content, naming the family would deploy the newest, so such a
 * service pins `family:revision` instead (with a comment saying why); the family's
 * manifest is always its newest revision, which therefore registers nothing.
 */

import { cloudFormationOwner } from '../diff/resource-diff.js';
import { exportClusterSpec } from '../kinds/cluster/export.js';
import { findKind, kindOf, REGISTRY } from '../kinds/registry.js';
import { exportServiceSpec } from '../kinds/service/export.js';
import { exportTaskDefinitionSpec, revisionBody } from '../kinds/task-definition/export.js';
import { normalizedRevision } from '../kinds/task-definition/normalize.js';
import type { Json, LiveCluster, LiveEstate, LiveRevision, LiveService, LiveTaskDefinitionFamily } from '../model/live.js';
import { emptyRecord, ownValue } from '../model/own-keys.js';
import { ANNOTATION, type Kind, resourceId, TAG } from '../model/resource.js';
import { Redactor } from '../report/redact.js';
import { API_VERSION } from '../schema/index.js';
import { orderManifest } from './order.js';
import { escapeDollar, type Placeholder, replaceSensitiveValues } from './placeholders.js';

export interface ExportOptions {
  region: string;
  /** the clusters to export, by name */
  clusters: readonly string[];
  controllerId: string;
  /** only services carrying every one of these tags */
  serviceTags?: Readonly<Record<string, string>>;
  /** only resources this controller already manages (default: unmanaged ones too) */
  managedOnly?: boolean;
  /** export resources a CloudFormation stack (CDK, Copilot) owns too; otherwise they are left out, as --adopt leaves them */
  adoptCloudFormation?: boolean;
  /** ISO time of the export, for the header (pure: the caller reads the clock) */
  exportedAt: string;
  /** the endpoint read, when not AWS's own */
  endpoint?: string;
  redactor?: Redactor;
}

interface ExportedManifest {
  kind: Kind;
  id: string;
  /** apiVersion, kind, metadata, spec; keys in reading order */
  doc: Json;
  /** comments above fields, by dotted path from the document root (`spec.taskDefinition`) */
  comments: Record<string, string>;
}

export interface ExportFile {
  /** relative to the output folder, forward slashes */
  path: string;
  header: string[];
  manifests: ExportedManifest[];
}

interface PinnedService {
  service: string;
  /** `family:revision` the PRIMARY deployment runs */
  runs: string;
  /** `family:revision` of the family's newest ACTIVE revision, if any */
  newest?: string;
}

export interface ExportResult {
  files: ExportFile[];
  placeholders: Placeholder[];
  /** placeholder -> live value; in memory only, for the round-trip check */
  secretValues: Map<string, string>;
  pinned: PinnedService[];
  /** resources seen but not exported, with why */
  skipped: Array<{ resource: string; reason: string }>;
  /** things the person adopting should know (another controller's resources, ...) */
  notes: string[];
  /** schema problems of exported documents (should never happen; reported, not hidden) */
  problems: string[];
  account?: string;
}

function label(rev: LiveRevision): string {
  return `${rev.family}:${rev.revision}`;
}

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** Every string of a value with `${` written `$${`, so the loader reads it literally. */
function escapeStrings(value: unknown): unknown {
  if (typeof value === 'string') return escapeDollar(value);
  if (Array.isArray(value)) return value.map(escapeStrings);
  if (value && typeof value === 'object') {
    const out: Json = emptyRecord();
    for (const [k, v] of Object.entries(value)) out[k] = escapeStrings(v);
    return out;
  }
  return value;
}

function matchesTags(tags: Record<string, string>, wanted: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => ownValue(tags, k) === v);
}

/** A Cluster manifest's spec (src/kinds/cluster/export.ts), strings escaped. */
export function clusterSpec(c: LiveCluster): Json {
  return escapeStrings(exportClusterSpec(c)) as Json;
}

/** A TaskDefinition manifest's spec (src/kinds/task-definition/export.ts), strings escaped. */
export function taskDefinitionSpec(rev: LiveRevision): Json {
  return escapeStrings(exportTaskDefinitionSpec(rev)) as Json;
}

/** A Service manifest's spec (src/kinds/service/export.ts), strings escaped; `taskDefinition` is the caller's. */
export function serviceSpec(s: LiveService, taskDefinition: string): Json {
  return escapeStrings(exportServiceSpec(s, taskDefinition)) as Json;
}

/** Would a service naming the family run the revision it runs now? (the engine compares content with the newest) */
function runsNewestContent(primary: LiveRevision, family: LiveTaskDefinitionFamily | undefined): boolean {
  if (!family) return false;
  // revisions never change: their normalized forms are memoized (normalizedRevision)
  return normalizedRevision(revisionBody(primary)).canonical === normalizedRevision(revisionBody(family.latest)).canonical;
}

/** What the ownership tags remember that a manifest says in annotations (`ecs-reconciler:prune` = "false"). */
function annotationsFrom(tags: Record<string, string>): Json | undefined {
  return tags[TAG.prune] === 'false' ? { [ANNOTATION.prune]: 'false' } : undefined;
}

function manifest(kind: Kind, metadata: Json, spec: Json, comments: Record<string, string> = {}, liveTags: Record<string, string> = {}): ExportedManifest {
  const annotations = annotationsFrom(liveTags);
  if (annotations) metadata = { ...metadata, annotations };
  const doc = orderManifest(kind, { apiVersion: API_VERSION, kind, metadata, spec });
  const id = resourceId({
    kind,
    region: String(metadata.region),
    name: String(metadata.name),
    ...(metadata.cluster ? { cluster: String(metadata.cluster) } : {}),
  });
  return { kind, id, doc, comments };
}

export function buildExport(live: LiveEstate, opts: ExportOptions): ExportResult {
  const redactor = opts.redactor ?? new Redactor();
  const region = opts.region;
  const skipped: ExportResult['skipped'] = [];
  const notes: string[] = [];
  const pinned: PinnedService[] = [];
  const isOurs = (tags: Record<string, string>) => tags[TAG.managedBy] === opts.controllerId;
  const otherOwner = (tags: Record<string, string>) => {
    const o = tags[TAG.managedBy];
    return o !== undefined && o !== opts.controllerId ? o : undefined;
  };
  const wanted = (tags: Record<string, string>) => !opts.managedOnly || isOurs(tags);
  // A stack's resources exported and adopted would be converged by two tools at once.
  const stackOf = (tags: Record<string, string>) => (opts.adoptCloudFormation || isOurs(tags) ? undefined : cloudFormationOwner(tags));
  const stackReason = (stack: string) =>
    `owned by the CloudFormation stack "${stack}" (aws:cloudformation:* tags): not exported, so not adopted; --adopt-cloudformation exports it`;

  // The services to export, per cluster, and the families they run.
  const clusters: LiveCluster[] = [];
  const servicesOf = new Map<string, LiveService[]>();
  for (const name of [...opts.clusters].sort()) {
    const c = live.clusters.get(resourceId({ kind: 'Cluster', region, name }));
    if (!c) {
      skipped.push({ resource: `Cluster/${region}/${name}`, reason: 'not found' });
      continue;
    }
    const clusterStack = stackOf(c.tags);
    if (clusterStack) {
      skipped.push({ resource: resourceId(c), reason: `${stackReason(clusterStack)}, nor its services` });
      continue;
    }
    clusters.push(c);
    const list: LiveService[] = [];
    for (const s of live.services.values()) {
      if (s.region !== region || s.cluster !== c.name) continue;
      const id = resourceId(s);
      if (s.status !== 'ACTIVE') skipped.push({ resource: id, reason: `status ${s.status}` });
      else if (!matchesTags(s.tags, opts.serviceTags)) continue;
      else if (!wanted(s.tags)) skipped.push({ resource: id, reason: 'not managed by this controller (--managed-only)' });
      else if (stackOf(s.tags)) skipped.push({ resource: id, reason: stackReason(stackOf(s.tags)!) });
      else if (!s.primaryRevision) skipped.push({ resource: id, reason: 'no deployment: the task definition it runs could not be read' });
      else list.push(s);
    }
    list.sort((a, b) => a.name.localeCompare(b.name));
    servicesOf.set(c.name, list);
  }

  // Which family each service names, and where each family's manifest goes.
  const familyOf = (name: string) => live.families.get(resourceId({ kind: 'TaskDefinition', region, name }));
  const users = new Map<string, string[]>(); // family -> ids of services naming it
  const refOf = new Map<string, string>(); // service id -> taskDefinition reference
  for (const list of servicesOf.values()) {
    for (const s of list) {
      const primary = s.primaryRevision!;
      const fam = familyOf(primary.family);
      const id = resourceId(s);
      if (runsNewestContent(primary, fam)) {
        refOf.set(id, primary.family);
        users.set(primary.family, [...(users.get(primary.family) ?? []), id]);
      } else {
        refOf.set(id, label(primary));
        pinned.push({ service: id, runs: label(primary), ...(fam ? { newest: label(fam.latest) } : {}) });
      }
    }
  }

  // Task definition manifests: the family's newest ACTIVE revision; secrets out.
  const tdSpecs = new Map<string, Json>();
  for (const family of [...users.keys()].sort()) {
    const fam = familyOf(family)!;
    const famStack = stackOf(fam.latest.tags);
    if (!wanted(fam.latest.tags) || famStack) {
      // managed-only (or a stack's family): a family not exported, so its services pin the revision
      for (const id of users.get(family)!) {
        const s = live.services.get(id)!;
        refOf.set(id, label(s.primaryRevision!));
      }
      users.delete(family);
      skipped.push({
        resource: `TaskDefinition/${region}/${family}`,
        reason: famStack
          ? `${stackReason(famStack)}; its services pin their revision`
          : 'not managed by this controller (--managed-only); its services pin their revision',
      });
      continue;
    }
    tdSpecs.set(family, taskDefinitionSpec(fam.latest));
  }
  const { placeholders, values } = replaceSensitiveValues(
    [...tdSpecs].map(([family, spec]) => ({ family, spec })),
    redactor,
  );

  const account = clusters.map((c) => accountOf(c.arn)).find((a) => a !== undefined);
  const where = [account ? `account ${account}` : undefined, `region ${region}`, opts.endpoint ? `endpoint ${opts.endpoint}` : undefined]
    .filter(Boolean)
    .join(', ');
  const header = (what: string) => [
    `Exported by "ecs-reconciler export" at ${opts.exportedAt}`,
    `from ${where}: ${what}.`,
    'Values ECS fills in by itself are left out; plan this folder, then "apply --adopt" takes it over.',
  ];

  const tdManifest = (family: string): ExportedManifest => {
    const fam = familyOf(family)!;
    const owner = otherOwner(fam.latest.tags);
    if (owner) notes.push(`TaskDefinition ${family} is managed by controller "${owner}": --adopt leaves it alone.`);
    return manifest('TaskDefinition', { name: family, region }, tdSpecs.get(family)!, {}, fam.latestManaged?.tags ?? fam.latest.tags);
  };
  const shared = new Set([...users].filter(([, ids]) => ids.length > 1).map(([f]) => f));

  const files: ExportFile[] = [];
  // the resources of other kinds a cluster uses (its capacity providers), each written once, before the cluster
  const usedWritten = new Set<string>();
  const usedBy = (c: LiveCluster): ExportedManifest[] =>
    REGISTRY.flatMap((k) =>
      (k.exportFor?.([c], live) ?? []).map((m) => manifest(k.name, { name: m.name, region: m.region }, escapeStrings(m.spec) as Json, {}, m.tags)),
    ).filter((m) => !usedWritten.has(m.id) && usedWritten.add(m.id));
  for (const c of clusters) {
    const owner = otherOwner(c.tags);
    if (owner) notes.push(`Cluster ${c.name} is managed by controller "${owner}": --adopt leaves it alone.`);
    if (!wanted(c.tags))
      notes.push(`Cluster ${c.name} is not managed by this controller; exported all the same (--managed-only), as its services' manifests name it.`);
    files.push({
      path: `${c.name}/cluster.yaml`,
      header: header(`cluster ${c.name}`),
      manifests: [...usedBy(c), manifest('Cluster', { name: c.name, region }, clusterSpec(c), {}, c.tags)],
    });
    for (const s of servicesOf.get(c.name) ?? []) {
      const id = resourceId(s);
      const ref = refOf.get(id)!;
      const so = otherOwner(s.tags);
      if (so) notes.push(`Service ${c.name}/${s.name} is managed by controller "${so}": --adopt leaves it alone.`);
      const comments: Record<string, string> = {};
      const pin = pinned.find((p) => p.service === id);
      if (pin) {
        comments['spec.taskDefinition'] = pin.newest
          ? ` Pinned: the service runs ${pin.runs}, but the family's newest ACTIVE revision is ${pin.newest}, with other content.\n Naming the family here would deploy ${pin.newest}; pinned, adopting deploys nothing.`
          : ` Pinned: the service runs ${pin.runs}, and the family has no ACTIVE revision (it was deregistered) to name instead.`;
      }
      const primary = s.primaryRevision!;
      const docs = [manifest('Service', { name: s.name, cluster: c.name, region }, serviceSpec(s, ref), comments, s.tags)];
      const own = !pin && ref === primary.family && !shared.has(ref) && tdSpecs.has(ref);
      if (own) docs.push(tdManifest(ref));
      const newest = own ? familyOf(ref)!.latest : undefined;
      const tdWhat = !newest
        ? ''
        : newest.revision === primary.revision
          ? `, and task definition ${ref} (${label(newest)}, the revision its PRIMARY deployment runs)`
          : `, and task definition ${ref} (${label(newest)}, the family's newest; the PRIMARY deployment runs ${label(primary)}, with the same content)`;
      const what = `service ${s.name} in cluster ${c.name}${tdWhat}`;
      files.push({ path: `${c.name}/${s.name}.yaml`, header: header(what), manifests: docs });
    }
  }
  for (const family of [...shared].sort()) {
    if (!tdSpecs.has(family)) continue;
    files.push({
      path: `task-definitions/${family}.yaml`,
      header: header(
        `task definition ${family} (${label(familyOf(family)!.latest)}), run by ${users
          .get(family)!
          .map((id) => id.split('/').slice(2).join('/'))
          .join(', ')}`,
      ),
      manifests: [tdManifest(family)],
    });
  }
  // A service (a resource in a cluster) named "cluster" would collide with its cluster's file.
  for (const f of files) {
    if (findKind(f.manifests[0]?.kind)?.inCluster && f.path.endsWith('/cluster.yaml')) f.path = f.path.replace(/cluster\.yaml$/, 'cluster.service.yaml');
  }

  const problems: string[] = [];
  for (const f of files) {
    for (const m of f.manifests) {
      const r = kindOf(m.kind).manifestSchema.safeParse(m.doc);
      if (!r.success) for (const i of r.error.issues) problems.push(`${f.path}: ${m.id} ${i.path.join('.')}: ${i.message}`);
    }
  }
  return { files, placeholders, secretValues: values, pinned, skipped, notes, problems, ...(account ? { account } : {}) };
}
