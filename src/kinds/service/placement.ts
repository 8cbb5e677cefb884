/**
 * EC2 placement and scheduling of a service (issue 17): how ECS spells placement
 * strategies, so that two spellings ECS treats as one are never drift, and the rules
 * ECS enforces on EC2-only fields, so that a manifest it would refuse fails at load.
 *
 * Sources:
 *   [API]  ECS API reference (botocore's ECS model text, as on
 *          https://docs.aws.amazon.com/AmazonECS/latest/APIReference/): PlacementStrategy,
 *          PlacementConstraint, CreateService.schedulingStrategy / platformVersion.
 *   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/service.go,
 *          ordered_placement_strategy.field: StateFunc "host" -> "instanceId" and
 *          DiffSuppressFunc SuppressEquivalentStringCaseInsensitive.
 *   [ECS]  refusals as ECS words them, quoted in published threads (named per rule).
 */
import type { Json } from '../../model/json.js';

/** The fields of a Service spec these rules read (the parsed manifest). */
interface SchedulingFields {
  schedulingStrategy?: string | undefined;
  desiredCount?: number | undefined;
  launchType?: string | undefined;
  platformVersion?: string | undefined;
  capacityProviderStrategy?: readonly unknown[] | undefined;
  placementStrategy?: readonly { type?: string | undefined; field?: string | undefined }[] | undefined;
  placementConstraints?: readonly { type?: string | undefined; expression?: string | undefined }[] | undefined;
}

export interface SchedulingIssue {
  path: (string | number)[];
  message: string;
}

// [API] PlacementStrategy.field: "For the binpack placement strategy, valid values are CPU and
// MEMORY" (the developer guide and the CLI examples write them lowercase; [TF] compares the
// field case-insensitively). "For the spread placement strategy, valid values are instanceId
// (or host, which has the same effect)". "For the random placement strategy, this field is not used."
const BINPACK_FIELDS = new Set(['cpu', 'memory']);

function canonicalStrategy(item: unknown): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  const s = item as Json;
  const field = typeof s.field === 'string' ? s.field : undefined;
  if (s.type === 'random') {
    const { field: _unused, ...rest } = s;
    return rest;
  }
  if (field === undefined) return s;
  if (s.type === 'binpack' && BINPACK_FIELDS.has(field.toLowerCase())) return { ...s, field: field.toLowerCase() };
  if (s.type === 'spread' && (field.toLowerCase() === 'host' || field.toLowerCase() === 'instanceid')) return { ...s, field: 'instanceId' };
  return s;
}

/**
 * A Service spec (desired or live, CreateService shape) with its placement strategies in
 * one spelling. Their order is kept: ECS applies the strategies in the order given (spread
 * over zones, then binpack), so a reorder stays a change.
 */
export function servicePlacementForDiff(spec: Json): Json {
  const strategies = spec.placementStrategy;
  if (!Array.isArray(strategies) || strategies.length === 0) return spec;
  return { ...spec, placementStrategy: strategies.map(canonicalStrategy) };
}

/** What ECS refuses in a Service's scheduling and placement fields (run by the manifest schema). */
export function schedulingIssues(s: SchedulingFields): SchedulingIssue[] {
  const issues: SchedulingIssue[] = [];
  if (s.schedulingStrategy === 'DAEMON') {
    // [ECS] "The daemon scheduling strategy does not support placement strategies. Remove the
    // placement strategy and try again" (kayac/ecspresso PR 402, reproio/ecs_deploy PR 93);
    // [API] schedulingStrategy DAEMON: "you don't need to specify ... a task placement strategy".
    if (s.placementStrategy !== undefined && s.placementStrategy.length > 0) {
      issues.push({
        path: ['placementStrategy'],
        message: 'DAEMON scheduling does not support placement strategies (placement constraints are kept): remove it',
      });
    }
    // [ECS] "Specifying a capacity provider strategy is not supported when you create a service
    // using the DAEMON scheduling strategy" (aws/containers-roadmap issue 692: launchType EC2 is the way).
    if (s.capacityProviderStrategy !== undefined && s.capacityProviderStrategy.length > 0) {
      issues.push({ path: ['capacityProviderStrategy'], message: 'DAEMON scheduling takes no capacity provider strategy: give launchType EC2 instead' });
    }
  }
  // [ECS] "InvalidParameterException: The platform version must be null when specifying an EC2
  // launch type" (aws/amazon-ecs-cli issues 1040 and 1047); [API] Service.platformVersion: "A
  // platform version is only specified for tasks that are hosted on Fargate".
  if (s.platformVersion !== undefined && (s.launchType === 'EC2' || s.launchType === 'EXTERNAL')) {
    issues.push({ path: ['platformVersion'], message: `a platform version is only for Fargate; ECS refuses it with launchType ${s.launchType}` });
  }
  s.placementStrategy?.forEach((p, i) => {
    if (p.type === 'binpack' && (p.field === undefined || !BINPACK_FIELDS.has(p.field.toLowerCase()))) {
      issues.push({
        path: ['placementStrategy', i, 'field'],
        message: `binpack takes field cpu or memory; got ${p.field === undefined ? 'none' : JSON.stringify(p.field)}`,
      });
    }
  });
  s.placementConstraints?.forEach((c, i) => {
    // [API] PlacementConstraint.expression: "You can't specify an expression if the constraint type is distinctInstance."
    if (c.type === 'distinctInstance' && c.expression !== undefined) {
      issues.push({ path: ['placementConstraints', i, 'expression'], message: 'distinctInstance takes no expression (memberOf does)' });
    }
  });
  return issues;
}
