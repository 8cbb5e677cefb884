/**
 * What a kind of resource gives each stage of the pass. The stages (src/pipeline/) run
 * over the registry (./registry.ts) and never name a kind: adding one is a folder beside
 * cluster/, task-definition/ and service/ and one line in the registry.
 */
import type { z } from 'zod';
import type { ActionRun } from '../apply/action-run.js';
import type { Gateway as AwsGateway, Gateways as AwsGateways } from '../aws/index.js';
import type { IgnoreRule } from '../diff/ignore.js';
import type { DiffPass } from '../diff/resource-diff.js';
import type { LiveResource, ResourceDiff } from '../diff/types.js';
import type { Json, LiveEstate } from '../model/live.js';
import type { Problem } from '../model/problem.js';
import type { DesiredResource, Kind, ResourceRef } from '../model/resource.js';
import type { AddAction, PlanOptions } from '../plan/prune.js';
import type { ActionKind, ActionStage, Plan, PlannedAction } from '../plan/types.js';
import type { ReportScaling } from './service/report.js';
import type { WaitOptions, WaitOutcome } from './service/rollout-wait.js';

/**
 * The report's health blocks, by kind: a kind that has one adds its type from its folder
 * (declaration merging in its report.ts) and gives its zod schema as healthSchema.
 * @public each kind's report.ts adds to it (declare module), which knip cannot follow
 */
// biome-ignore lint/suspicious/noEmptyInterface: each kind's folder fills it (declaration merging)
export interface KindHealthTypes {}
export type KindHealth = KindHealthTypes[keyof KindHealthTypes];

/** What a kind's own live read keeps: the names the manifests want, this controller's, or (export) every one. */
export interface LiveReadScope {
  wanted: ReadonlySet<string>;
  controllerId: string;
  /** export: every resource of the kind, whoever owns it */
  all?: boolean;
  /** the clusters the manifests name or that a wanted resource sits in (every kind's clusterOf): read even when unmanaged */
  wantedClusters?: ReadonlySet<string>;
  /** --cluster selectors (pipeline/shard.ts): other clusters, and what sits in them, are not read at all */
  clusterSelected?: (clusterName: string) => boolean;
  /** what the kinds read before this one in this region (registry order, and readAfter): a service is listed in the clusters read */
  estate?: LiveEstate;
  /**
   * The last whole read's estate, where a kind's read finds what it may take again unchanged
   * (a service whose answer is the same). Given, even empty, by a caller that reads again (the
   * daemon): the read keeps what the next one needs to know an answer unchanged.
   */
  previous?: LiveEstate;
  /** a line of progress for a long read */
  progress?: (message: string) => void;
}

/** What a targeted read (a pass a file change started) takes: the named resources of the kind, and what the last full read had. */
export interface NamedReadScope<L> {
  refs: ReadonlyArray<Pick<ResourceRef, 'name' | 'cluster'>>;
  controllerId: string;
  /** the kind's part of the last full read (a Service keeps its auto scaling from it) */
  before: ReadonlyMap<string, L>;
  /** Set for the slices of a paced resync cycle. */
  cycle?: ResyncCycle;
}

/**
 * A paced resync cycle's slices: state carried from one slice to the next, under each
 * kind's own key, so the cycle reads the region's listings page by page about once (one
 * whole pass) instead of once per named resource.
 */
export interface ResyncCycle {
  state: Map<string, unknown>;
  /** the slices of the cycle after this one (0: the last, which finishes what is left) */
  slicesLeft: number;
  /** resources read in full all the same (the manifests or the controller changed them since the last read) */
  fresh: ReadonlySet<string>;
}

/** What the loader says once a file about a document it read in a kept form (not an error: the file loads). */
export interface ManifestNotice {
  /** the notice is given once a file: the first one whose message starts with this */
  prefix: string;
  message: string;
}

/** A plain `.json` file is a document of the kind that says so (a register-task-definition input). */
export interface PlainJsonFile {
  /** the schema of the file's object */
  schema: z.ZodType;
  /** the field that names the resource */
  nameField: string;
  /** the member a described form wraps the object in (describe-task-definition output's `taskDefinition`) */
  wrapper?: string;
  /** what the file is expected to hold, for the problem when it holds something else */
  expected: string;
  /** what a .json file is read as, for the problem when it holds a manifest */
  readAs: string;
  /** the object as the schema takes it: under `at` when a wrapper was taken off, with a notice for the file */
  read(raw: Record<string, unknown>): { input: Record<string, unknown>; at: string[]; notice?: ManifestNotice };
}

/** What a kind's reference check sees of the other manifests. */
export interface ReferenceCheck {
  /** every manifest that loaded, even those claimed twice */
  all: readonly DesiredResource[];
  /** the manifests that loaded and are kept (not claimed twice): what a reference may name */
  loaded: readonly DesiredResource[];
  /** `Kind/region/name` of documents that do not load (broken, or claimed twice): a reference to one refuses without a second problem */
  broken: ReadonlySet<string>;
}

/** A deletion held back until the prune stage is judged as a whole. */
export interface PruneCandidate {
  diff: ResourceDiff;
  action: PlannedAction;
  /** the resource itself goes (not only old revisions of it) */
  orphan: boolean;
}

/** Runs one planned action of the kind through the gateway; the message is what the report shows. */
type ActionHandler = (run: ActionRun) => Promise<string | undefined>;

/** One action of a kind's table: its order within the kind, its handler, and what it is. */
export interface KindAction {
  order: number;
  run: ActionHandler;
  /** a deletion: runs in the prune stage (after every apply, skipped when anything before failed) */
  stage?: ActionStage;
  /** it removes something from AWS: apply asks before it (or needs --yes) */
  destructive?: boolean;
}

/** What an export is asked for: the region, the clusters it names, the services' tags (the CLI's flags). */
export interface ExportSelection {
  region: string;
  /** the clusters to export, by name */
  clusters: readonly string[];
  /** only services carrying every one of these tags */
  serviceTags?: Readonly<Record<string, string>>;
}

/** Who owns what, as the export's flags judge it (--managed-only, --adopt-cloudformation), for a kind's export step. */
export interface ExportOwnership {
  /** false when --managed-only leaves out a resource with these tags (one this controller does not manage) */
  wanted(tags: Readonly<Record<string, string>>): boolean;
  /** why a resource with these tags is left out as a CloudFormation stack's (unless --adopt-cloudformation or already ours), or undefined */
  stackReason(tags: Readonly<Record<string, string>>): string | undefined;
  /** the note for a resource another controller manages (`what`: `Service prod/web`), or undefined */
  otherOwnerNote(what: string, tags: Readonly<Record<string, string>>): string | undefined;
}

/** One resource a kind's selection met: chosen for the export, or left out with why. */
export type ExportChoice<L> = { live: L } | { skipped: { resource: string; reason: string } };

/** A resource of another kind that a chosen resource names and needs written with it. */
export interface ExportReference {
  kind: Kind;
  id: string;
  /** written before the resource naming it, in its file (a cluster's capacity providers); after it otherwise */
  before?: boolean;
  /** what the file's header adds when it is written in the file of the resource naming it */
  headerPhrase?: string;
  /** what the resource naming it does when it is left out, for the skipped reason (`its services pin their revision`) */
  ifLeftOut?: string;
}

/** What a chosen resource names of other kinds, and the revision it pins instead of naming its family, with why. */
export interface ExportLinks {
  references: ExportReference[];
  /** `family:revision` it runs, and the family's newest ACTIVE revision when there is one */
  pin?: { runs: string; newest?: string };
}

/** One manifest a kind writes for a live resource (strings as they are: the walker escapes `${`). */
export interface ExportDocument {
  /** name, cluster, region (the walker adds the annotations the tags remember) */
  metadata: Json;
  spec: Json;
  /** comments above fields, by dotted path from the document root (`spec.taskDefinition`) */
  comments?: Record<string, string>;
  /** the tags the annotations say again (`ecs-reconciler:prune`) */
  annotationTags: Readonly<Record<string, string>>;
  /** what the person adopting should know about it (another controller's, ...) */
  notes?: string[];
}

/** A file of the export: where it goes and what its header says it holds. */
interface ExportFilePlace {
  /** relative to the output folder, forward slashes */
  path: string;
  what: string;
}

/**
 * A kind's export step. The walker (src/export/build.ts) chooses the roots the selection
 * names and, depth first, the members of each; then resolves what the chosen ones name
 * (a reference to a resource not live, or refused, is not written, and the one naming it
 * falls back); then writes one file per chosen resource with what it names beside it (a
 * resource several name: in the kind's shared file, or with the first).
 */
export interface KindExport<L> {
  /**
   * What the export reads besides a pass's read of the exported clusters, `before` the
   * recorded revisions are described (every capacity provider of the region) or `after`
   * (the newest revision of each family the services run).
   */
  read?(gw: AwsGateway, region: string, estate: LiveEstate, when: 'before' | 'after', progress?: (message: string) => void): Promise<void>;
  /** The names of every resource of the kind in the region, for a selection of them all (--all-clusters): the kind selectRoots chooses from. */
  listAll?(gw: AwsGateway): Promise<string[]>;
  /** The resources of the kind the selection names, in file order (the clusters of --cluster). */
  selectRoots?(selection: ExportSelection, estate: LiveEstate, ownership: ExportOwnership): Array<ExportChoice<L>>;
  /** The kind whose chosen resources hold this kind's: selectMembers is asked for each (a Service: its Cluster). */
  readonly memberOf?: Kind;
  /** The resources of the kind inside a chosen resource of memberOf, in file order. */
  selectMembers?(
    parent: { kind: string; region: string; name: string },
    selection: ExportSelection,
    estate: LiveEstate,
    ownership: ExportOwnership,
  ): Array<ExportChoice<L>>;
  /** What a chosen resource names of other kinds (a Service: the family it runs, unless it pins a revision). */
  links?(live: L, estate: LiveEstate): ExportLinks;
  /** Why a resource another one names is not written (--managed-only, a stack's), or undefined. */
  refusal?(live: L, ownership: ExportOwnership): string | undefined;
  /** The manifest; `written` says which of the references in `links` are written too (else the resource falls back). */
  document(live: L, ctx: { links: ExportLinks; written: (id: string) => boolean; ownership: ExportOwnership }): ExportDocument;
  /** The file of a chosen resource (a kind with selectRoots or selectMembers gives it). */
  file?(live: L): ExportFilePlace;
  /** The file of a resource several chosen ones name (`referrers`: their ids); without it, it goes with the first. */
  sharedFile?(live: L, referrers: readonly string[]): ExportFilePlace;
  /** The spec holds container definitions: sensitive values in them become `${VAR}` placeholders (src/export/placeholders.ts). */
  readonly placeholders?: boolean;
  /** The spec's keys in reading order, by path (src/kinds/<kind>/export.ts). */
  readonly keyOrder?: Readonly<Record<string, readonly string[]>>;
}

export interface ResourceKind<L extends { kind: string; region: string; name: string } = LiveResource> {
  readonly name: Kind;
  /** what one resource of the kind is called in a count (`3 task definition(s)`) */
  readonly noun: string;
  /** the manifest document's schema (apiVersion, kind, metadata, spec) */
  readonly manifestSchema: z.ZodType;
  /** the spec alone: what an ignore rule's path must name */
  readonly specSchema: z.ZodType;
  /** the resource sits inside a cluster: its id, its shard and its `--target` pattern carry the cluster */
  readonly inCluster: boolean;

  /** The cluster a resource belongs to (sharding, the report's cluster column); undefined for a regional one. */
  clusterOf(ref: Pick<ResourceRef, 'name' | 'cluster'>): string | undefined;
  /** Ids of the resources a desired resource needs first (not applied when one of them failed; brought along by --target). */
  dependsOn(d: DesiredResource): string[];

  /** This kind's part of the live estate, by resource id. */
  liveOf(estate: LiveEstate): Map<string, L>;
  /**
   * The kind's own live read of one region (src/kinds/<kind>/read.ts): the resources the
   * manifests name (`wanted`) and those this controller manages, kept in liveOf(estate).
   */
  readLive(gw: AwsGateway, region: string, scope: LiveReadScope): Promise<L[]>;
  /** The kinds whose read this kind's read takes from scope.estate (read first, whatever the registry order). */
  readonly readAfter?: readonly Kind[];
  /**
   * A targeted read of the named resources only (a few calls instead of the whole region);
   * without it the kind's region is read again with readLive. A resource not returned is gone.
   */
  readNamed?(gw: AwsGateway, region: string, scope: NamedReadScope<L>): Promise<L[]>;
  /**
   * Describes what the estate knows only by record (a revision ARN and hash), for the ids in
   * `wanted` or all of them (export), through one shared cache; a read that fails marks the region unreadable.
   */
  describeRecorded?(gateways: AwsGateways, estate: LiveEstate, wanted: ReadonlySet<string> | 'all'): Promise<void>;
  /**
   * Problems in what this resource names in other manifests (a Cluster's capacity providers,
   * a Service's cluster and task definition). Not ok rejects the resource (state invalid),
   * with or without a problem of its own. Also run on a document of the kind that does not
   * load, with what it still names (referenceFields), so one run reports every problem.
   */
  referenceProblems?(d: DesiredResource, check: ReferenceCheck): { ok: boolean; problems: Problem[] };
  /** The spec fields (`spec.x`) this kind names other manifests by: located in the file, and read from a document that does not load. */
  readonly referenceFields?: readonly string[];
  /** The spec as the schema takes it, from the spec as a user may keep it (describe output, read-only members); undefined when nothing changes. */
  readSpec?(spec: Record<string, unknown>, name: string | undefined): { spec: Record<string, unknown>; notice: ManifestNotice } | undefined;
  /** A plain .json file is a document of this kind (one kind of the registry says so). */
  readonly plainJson?: PlainJsonFile;
  /** export: what the kind writes for a live resource, and how it joins the others (src/export/build.ts walks it). */
  readonly export?: KindExport<L>;
  /** The ARN tags and ownership are kept on (a family's: its newest revision). */
  arnOf(live: L): string;
  /** The tags that say whose it is and how it was applied (a family: its newest managed revision's). */
  ownershipTagsOf(live: L): Readonly<Record<string, string>> | undefined;
  /** The tags the fight guard's record is read from (a family: its newest revision's). */
  fightTagsOf(live: L): Readonly<Record<string, string>>;
  /** A live resource this controller manages: orphaned when no manifest names it. */
  managedBy(live: L, controllerId: string): boolean;

  /** The manifest against live. Runs in registry order, so a kind may read what earlier kinds offered (pass.offers). */
  diff(d: DesiredResource, id: string, live: L | undefined, rules: IgnoreRule[], pass: DiffPass): ResourceDiff;

  /** Actions for a resource in the manifests, not live. */
  planCreate(d: ResourceDiff, add: AddAction): void;
  /** Actions for a pending or drifted resource (refusals go to plan.skipped). */
  planChange(d: ResourceDiff, why: string, plan: Plan, add: AddAction): void;
  /** Actions for an orphan that prune deletes (its refusal already judged). */
  planDelete(d: ResourceDiff, inUse: ReadonlySet<string>, plan: Plan, add: AddAction): void;
  /** Deletions an in-sync resource still asks for under --prune (old revisions). */
  planInSyncPrune?(d: ResourceDiff, opts: PlanOptions, inUse: ReadonlySet<string>, add: AddAction): void;
  /** Revision ARNs a live resource still runs: never deregistered. */
  revisionsInUse?(live: L): readonly string[];
  /** Drops the kind's deletions that live forbids (a cluster something still runs in), saying why. */
  keepOnPrune?(candidates: PruneCandidate[], diffs: readonly ResourceDiff[], plan: Plan): void;

  /** Apply: one handler per action type the kind plans, and the order of those actions within the kind. */
  readonly actions: Readonly<Partial<Record<ActionKind, KindAction>>>;
  /** Removes this controller's ownership tags (release-resource): the resource stays, unmanaged. */
  release(live: L, gw: AwsGateway, controllerId: string): Promise<string>;

  /** The report's health block for a live resource, when the kind has one. */
  health?(live: L): KindHealth;
  /** The zod schema of that block (the report's schema is the union of the kinds'). */
  readonly healthSchema?: z.ZodType;
  /** `apply --wait`: until the resources an apply touched are steady (a kind that rolls out). */
  awaitSteady?(gw: AwsGateway, touched: readonly ResourceDiff[], opts: WaitOptions): Promise<WaitOutcome>;
  /** The report's auto scaling block, when the kind scales. */
  scaling?(d: ResourceDiff & { live: L }): ReportScaling | undefined;
}
