/** The desired model: what the manifests say, independent of YAML and of AWS types. */
/**
 * The kinds by name, each with its live type. Every kind adds its own entry from its folder
 * (declaration merging in src/kinds/<kind>/index.ts), so the names and the live union
 * (LiveResource, src/diff/types.ts) follow the registry with no list here; the runtime list
 * is the registry's (src/kinds/registry.ts, in dependency order).
 */
// biome-ignore lint/suspicious/noEmptyInterface: each kind's folder fills it (declaration merging)
export interface KindLiveTypes {}
export type Kind = keyof KindLiveTypes & string;

export interface ResourceRef {
  kind: Kind;
  region: string;
  /** the cluster name, for a kind that sits in a cluster (src/kinds/<kind>: inCluster); absent for every other */
  cluster?: string;
  /** cluster name, task definition family or service name */
  name: string;
}

/**
 * `Service/eu-west-1/prod/web`, `Cluster/eu-west-1/prod`, `TaskDefinition/eu-west-1/app`:
 * a resource that sits in a cluster (its ref carries `cluster`) has the cluster in its id.
 */
export function resourceId(ref: ResourceRef): string {
  return ref.cluster !== undefined ? `${ref.kind}/${ref.region}/${ref.cluster}/${ref.name}` : `${ref.kind}/${ref.region}/${ref.name}`;
}

export interface SourceLocation {
  /** path relative to the manifests folder, with forward slashes */
  file: string;
  line: number;
  column: number;
}

export type Annotations = Record<string, string>;

export interface DesiredResource<S = Record<string, unknown>> extends ResourceRef {
  annotations: Annotations;
  /** the spec as the ECS API input takes it (tags folded into `tags`, a map) */
  spec: S;
  source: SourceLocation;
  /** a Service whose cluster was named by ARN: managed elsewhere, not required as a manifest */
  externalCluster?: boolean;
  /** the account a cluster ARN names: checked against the caller's before anything is applied */
  clusterAccount?: string;
  /** where some fields sit in the file, for problems found after parsing ("metadata.cluster" -> location) */
  fieldLocations?: Record<string, { line: number; column: number }>;
}

/** A document that names a resource but does not load: state `invalid`, never pruned. */
export interface InvalidResource {
  kind?: string;
  name?: string;
  region?: string;
  cluster?: string;
  source: SourceLocation;
  /** a document that does not load: what it still names (its kind's referenceFields), checked in the same run as its other problems */
  references?: {
    cluster?: string;
    externalCluster?: boolean;
    /** the reference fields' values, where usable (a string, no ${VAR}) */
    spec: Record<string, unknown>;
    fieldLocations: Record<string, { line: number; column: number }>;
  };
}

export const ANNOTATION = {
  prune: 'ecs-reconciler/prune',
  allowReplace: 'ecs-reconciler/allow-replace',
  suspend: 'ecs-reconciler/suspend',
  ignore: 'ecs-reconciler/ignore',
  suspendScaleInDuringDeploy: 'ecs-reconciler/suspend-scale-in-during-deploy',
  /** a new value deploys a `degraded` service's manifest once more (src/kinds/service/rollout.ts) */
  retry: 'ecs-reconciler/retry',
} as const;

export const TAG = {
  managedBy: 'ecs-reconciler:managed-by',
  appliedHash: 'ecs-reconciler:applied-hash',
  source: 'ecs-reconciler:source',
  revision: 'ecs-reconciler:revision',
  /** set from the prune annotation, so the choice outlives the manifest */
  prune: 'ecs-reconciler:prune',
  /** the fight guard's memory: how many passes in a row applied the same change (src/pipeline/fight-guard.ts) */
  fight: 'ecs-reconciler:fight',
  /** the manifest hash a replacement (allow-replace) was made for: never repeated for it */
  replacedFor: 'ecs-reconciler:replaced-for',
  /** the repository (remote and path) the manifest came from: prune never deletes another repository's resources */
  repository: 'ecs-reconciler:repository',
  /** on a service: the task definition revision ARN the controller gave it (model/revision-record.ts) */
  taskDefinition: 'ecs-reconciler:task-definition',
  /** on a service: the content hash (the TaskDefinition manifest's applied-hash) of that revision */
  taskDefinitionHash: 'ecs-reconciler:task-definition-hash',
  /** on a service: the failed deployment of this controller's that ECS rolled back, for which manifest (src/kinds/service/rollout.ts) */
  degraded: 'ecs-reconciler:degraded',
  /** on a service: the id of the deployment this controller's last UpdateService or CreateService started */
  deployment: 'ecs-reconciler:deployment',
} as const;

/** Where a manifest wrote a field (its file, line and column), or the document's start when not known. */
export function fieldLocation(r: DesiredResource, field: string): { file: string; line: number; column: number } {
  const pos = r.fieldLocations?.[field];
  return { file: r.source.file, line: pos?.line ?? r.source.line, column: pos?.column ?? r.source.column };
}
