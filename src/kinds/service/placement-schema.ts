/**
 * What ECS refuses in a Service's EC2 scheduling and placement fields (issue 17), so that
 * a manifest it would refuse fails at load, with ECS's reason. Run by the Service schema.
 *
 * Sources:
 *   [API]  ECS API reference (botocore's ECS model text, as on
 *          https://docs.aws.amazon.com/AmazonECS/latest/APIReference/).
 *   [ECS]  refusals as ECS words them, quoted in published threads (named per rule).
 *   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/service.go (ordered_placement_strategy).
 */

// [API] PlacementStrategy.field: "For the binpack placement strategy, valid values are CPU and
// MEMORY" (the developer guide and the CLI examples write them lowercase; [TF] compares the
// field case-insensitively). "For the spread placement strategy, valid values are instanceId
// (or host, which has the same effect)". "For the random placement strategy, this field is not used."
export const BINPACK_FIELDS = new Set(['cpu', 'memory']);

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
