/**
 * Pure: the live model to manifest objects, the reverse of the engine's normalization.
 * Each live spec (already projected onto the API's input shape by the kind's read) is run
 * through the same normalize* the diff uses: what ECS would fill in by itself, empty
 * lists and read-only fields go, order-free lists come out sorted; what remains is what
 * a person would have written, and by construction it normalizes back to the live spec.
 *
 * The export walks the registry of kinds and never names one: each kind's `export` step
 * (src/kinds/<kind>/export.ts, the KindExport of src/kinds/kind.ts) says what it writes
 * for a live resource and how it joins the others, and this file only walks that data:
 *  1. choose: the roots the selection names (the clusters), each followed, depth first,
 *     by the members the kinds find inside it (a cluster's services), each chosen or
 *     skipped with why;
 *  2. resolve: what each chosen resource names of other kinds (a cluster its capacity
 *     providers; a service the family it runs, or a revision it pins instead): a resource
 *     not live is not written, one its kind refuses (--managed-only, a stack's) is skipped
 *     with why, and the resource naming it falls back (a service pins its revision);
 *  3. write: a file per chosen resource, in the order chosen, with what it names beside
 *     it (before or after, as the reference says); what several name goes to its kind's
 *     shared file (a family several services run: `task-definitions/<family>.yaml`, after
 *     the others) or, without one, with the first (a capacity provider two clusters use).
 * So: one folder per cluster, `<cluster>/cluster.yaml` (its capacity providers, then the
 * cluster) and `<cluster>/<service>.yaml` (the service, then the family it alone runs).
 */

import { cloudFormationOwner } from '../diff/resource-diff.js';
import type { ExportChoice, ExportDocument, ExportLinks, ExportOwnership, ExportReference, ExportSelection, ResourceKind } from '../kinds/kind.js';
import { findKind, kindOf, REGISTRY } from '../kinds/registry.js';
import { escapeDollarStrings } from '../model/dollar-escape.js';
import type { Json, LiveEstate } from '../model/live.js';
import { ANNOTATION, type Kind, resourceId, TAG } from '../model/resource.js';
import { Redactor } from '../report/redact.js';
import { API_VERSION } from '../schema/index.js';
import { orderManifest } from './order.js';
import { type Placeholder, replaceSensitiveValues } from './placeholders.js';

export interface ExportOptions extends ExportSelection {
  controllerId: string;
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

/** A resource that names a revision it runs rather than the resource the export writes (a service, its family's revision). */
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

/** A live resource as the walker handles it: its kind's name, region and name (each kind's own type behind it). */
type LiveOf = { kind: string; region: string; name: string };

/** A resource chosen for the export, with its kind and what it names. */
interface Chosen {
  kind: ResourceKind;
  live: LiveOf;
  id: string;
  links: ExportLinks;
}

/** A resource a chosen one names: its kind, and who names it (in the order chosen) with which reference. */
interface Target {
  kind: ResourceKind;
  live: LiveOf;
  referrers: Array<{ from: Chosen; reference: ExportReference }>;
}

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** What the ownership tags remember that a manifest says in annotations (`ecs-reconciler:prune` = "false"). */
function annotationsFrom(tags: Readonly<Record<string, string>>): Json | undefined {
  return tags[TAG.prune] === 'false' ? { [ANNOTATION.prune]: 'false' } : undefined;
}

function manifest(kind: Kind, d: ExportDocument, spec: Json): ExportedManifest {
  const annotations = annotationsFrom(d.annotationTags);
  const metadata = annotations ? { ...d.metadata, annotations } : d.metadata;
  const doc = orderManifest(kind, { apiVersion: API_VERSION, kind, metadata, spec });
  const id = resourceId({
    kind,
    region: String(metadata.region),
    name: String(metadata.name),
    ...(metadata.cluster ? { cluster: String(metadata.cluster) } : {}),
  });
  return { kind, id, doc, comments: d.comments ?? {} };
}

function ownershipOf(opts: ExportOptions): ExportOwnership {
  const isOurs = (tags: Readonly<Record<string, string>>) => tags[TAG.managedBy] === opts.controllerId;
  return {
    wanted: (tags) => !opts.managedOnly || isOurs(tags),
    // A stack's resources exported and adopted would be converged by two tools at once.
    stackReason: (tags) => {
      const stack = opts.adoptCloudFormation || isOurs(tags) ? undefined : cloudFormationOwner(tags);
      return stack
        ? `owned by the CloudFormation stack "${stack}" (aws:cloudformation:* tags): not exported, so not adopted; --adopt-cloudformation exports it`
        : undefined;
    },
    otherOwnerNote: (what, tags) => {
      const owner = tags[TAG.managedBy];
      return owner !== undefined && owner !== opts.controllerId ? `${what} is managed by controller "${owner}": --adopt leaves it alone.` : undefined;
    },
  };
}

export function buildExport(live: LiveEstate, opts: ExportOptions): ExportResult {
  const redactor = opts.redactor ?? new Redactor();
  const ownership = ownershipOf(opts);
  const skipped: ExportResult['skipped'] = [];
  const notes: string[] = [];
  const pinned: PinnedService[] = [];

  // 1. choose: the roots the selection names, each followed by what the kinds find inside it (depth first: file order)
  const chosen: Chosen[] = [];
  const choose = (kind: ResourceKind, found: ReadonlyArray<ExportChoice<LiveOf>>) => {
    for (const choice of found) {
      if ('skipped' in choice) {
        skipped.push(choice.skipped);
        continue;
      }
      const step = kind.export!;
      const c: Chosen = {
        kind,
        live: choice.live,
        id: resourceId(choice.live as never),
        links: step.links?.(choice.live as never, live) ?? { references: [] },
      };
      chosen.push(c);
      for (const member of REGISTRY) {
        if (member.export?.memberOf === kind.name && member.export.selectMembers)
          choose(member, member.export.selectMembers(choice.live, opts, live, ownership) as Array<ExportChoice<LiveOf>>);
      }
    }
  };
  for (const kind of REGISTRY) {
    if (kind.export?.selectRoots) choose(kind, kind.export.selectRoots(opts, live, ownership) as Array<ExportChoice<LiveOf>>);
  }

  // 2. resolve what the chosen name: a resource not live is not written; one its kind refuses is skipped, with why;
  // one chosen itself is written in its own file
  const chosenIds = new Set(chosen.map((c) => c.id));
  const targets = new Map<string, Target>();
  for (const c of chosen) {
    if (c.links.pin) pinned.push({ service: c.id, ...c.links.pin });
    for (const reference of c.links.references) {
      if (chosenIds.has(reference.id)) continue;
      let t = targets.get(reference.id);
      if (!t) {
        const kind = kindOf(reference.kind);
        const found = kind.liveOf(live).get(reference.id) as LiveOf | undefined;
        if (!found) continue;
        t = { kind, live: found, referrers: [] };
        targets.set(reference.id, t);
      }
      t.referrers.push({ from: c, reference });
    }
  }
  // registry order, then by id: a family's skipped reason and its placeholders come in the order of the families' names
  const targetIds = [...targets.keys()].sort(
    (a, b) => REGISTRY.indexOf(targets.get(a)!.kind) - REGISTRY.indexOf(targets.get(b)!.kind) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const id of targetIds) {
    const t = targets.get(id)!;
    const refusal = t.kind.export?.refusal?.(t.live as never, ownership);
    if (refusal === undefined) continue;
    targets.delete(id);
    const ifLeftOut = t.referrers[0]!.reference.ifLeftOut;
    skipped.push({ resource: id, reason: ifLeftOut ? `${refusal}; ${ifLeftOut}` : refusal });
  }
  const written = (id: string) => targets.has(id) || chosenIds.has(id);

  // every document, its strings escaped; then secrets out of the specs that hold containers, in the targets' order
  const documents = new Map<string, { kind: ResourceKind; document: ExportDocument; spec: Json }>();
  const documentOf = (kind: ResourceKind, liveOf: LiveOf, id: string, links: ExportLinks) => {
    const document = kind.export!.document(liveOf as never, { links, written, ownership });
    documents.set(id, { kind, document, spec: escapeDollarStrings(document.spec) });
  };
  for (const c of chosen) documentOf(c.kind, c.live, c.id, c.links);
  for (const id of targetIds) {
    const t = targets.get(id);
    if (t) documentOf(t.kind, t.live, id, { references: [] });
  }
  const { placeholders, values } = replaceSensitiveValues(
    [...targetIds, ...chosen.map((c) => c.id)]
      .map((id) => documents.get(id))
      .filter((d) => d?.kind.export?.placeholders)
      .map((d) => ({ family: String(d!.document.metadata.name), spec: d!.spec })),
    redactor,
  );

  const account = chosen
    .filter((c) => c.kind.export?.selectRoots)
    .map((c) => accountOf(c.kind.arnOf(c.live as never)))
    .find((a) => a !== undefined);
  const where = [account ? `account ${account}` : undefined, `region ${opts.region}`, opts.endpoint ? `endpoint ${opts.endpoint}` : undefined]
    .filter(Boolean)
    .join(', ');
  const header = (what: string) => [
    `Exported by "ecs-reconciler export" at ${opts.exportedAt}`,
    `from ${where}: ${what}.`,
    'Values ECS fills in by itself are left out; plan this folder, then "apply --adopt" takes it over.',
  ];

  // 3. write: a file per chosen resource, with what it names beside it; what several name, once
  const placed = new Set<string>();
  const write = (id: string): { manifest: ExportedManifest; notes: string[] } => {
    const d = documents.get(id)!;
    return { manifest: manifest(d.kind.name, d.document, d.spec), notes: d.document.notes ?? [] };
  };
  const files: ExportFile[] = [];
  for (const c of chosen) {
    const beside = c.links.references.filter((r) => {
      const t = targets.get(r.id);
      if (!t || placed.has(r.id) || (t.referrers.length > 1 && t.kind.export?.sharedFile)) return false;
      placed.add(r.id);
      return true;
    });
    const own = write(c.id);
    const before = beside.filter((r) => r.before).map((r) => write(r.id));
    const after = beside.filter((r) => !r.before).map((r) => write(r.id));
    notes.push(...own.notes, ...[...before, ...after].flatMap((w) => w.notes));
    const place = c.kind.export?.file?.(c.live as never);
    if (!place) throw new Error(`${c.id}: its kind chooses resources for export but gives no file for them (export.file)`);
    const phrases = beside.flatMap((r) => (r.headerPhrase ? [`, and ${r.headerPhrase}`] : []));
    files.push({ path: place.path, header: header(`${place.what}${phrases.join('')}`), manifests: [...before, own, ...after].map((w) => w.manifest) });
  }
  for (const id of targetIds) {
    const t = targets.get(id);
    if (!t || placed.has(id)) continue;
    const w = write(id);
    notes.push(...w.notes);
    const place = t.kind.export!.sharedFile!(
      t.live as never,
      t.referrers.map((r) => r.from.id),
    );
    files.push({ path: place.path, header: header(place.what), manifests: [w.manifest] });
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
