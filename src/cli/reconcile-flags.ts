/** Flags and set-up shared by plan and apply (and run): region, endpoint, gateways. */
import { AwsGateways, type RateLimitWaitListener, type ReadBudget, sdkDefaultRegion } from '../aws/index.js';
import { DEFAULT_REDACT_PATTERNS, isFieldPathPattern, Redactor } from '../report/index.js';
import { UsageError } from './flags.js';
import type { CommandIO } from './io.js';

export const DEFAULT_CONTROLLER_ID = 'default';

/**
 * --region, else AWS_REGION / AWS_DEFAULT_REGION (the AWS CLI's too), else what the
 * SDK's own chain finds: the region of --profile or AWS_PROFILE in ~/.aws/config.
 */
export async function requireRegion(flags: { region?: string | undefined; profile?: string | undefined }, io: CommandIO): Promise<string> {
  const region = flags.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? (await sdkDefaultRegion(flags.profile));
  if (!region) throw new UsageError('no region: pass --region, set AWS_REGION, or give the profile (--profile or AWS_PROFILE) a region in ~/.aws/config');
  return region;
}

export function makeGateways(opts: {
  endpoint?: string | undefined;
  profile?: string | undefined;
  env: NodeJS.ProcessEnv;
  onRateLimitWait?: RateLimitWaitListener;
  readBudget?: ReadBudget;
}): AwsGateways {
  // The rate limiter can be turned off for the local emulator's benchmarks; never needed against AWS.
  const limits = opts.env.ECS_RECONCILER_RATE_LIMITS === 'off' ? 'off' : undefined;
  return new AwsGateways({
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(limits ? { rateLimits: limits } : {}),
    ...(opts.onRateLimitWait ? { onRateLimitWait: opts.onRateLimitWait } : {}),
    ...(opts.readBudget ? { readBudget: opts.readBudget } : {}),
  });
}

/**
 * --redact takes names and field paths (commas split too): names replace the default
 * name patterns (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL); field paths
 * (`containerDefinitions[name=*].command`, anything with `.` or `[`) add to them.
 */
export function redactorFrom(flags: readonly string[] | undefined, key?: Uint8Array): Redactor {
  const given = (flags ?? [])
    .flatMap((f) => f.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  const names = given.filter((p) => !isFieldPathPattern(p));
  const paths = given.filter(isFieldPathPattern);
  return new Redactor(names.length ? names : DEFAULT_REDACT_PATTERNS, { paths, ...(key ? { key } : {}) });
}

/** --regions eu-west-1,us-east-1 (repeatable): regions read for orphans even when no manifest names them. */
export function regionsFrom(flags: readonly string[] | undefined): string[] {
  const regions = (flags ?? [])
    .flatMap((f) => f.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)) throw new UsageError(`--regions: "${r}" is not a region name (like eu-west-1)`);
  return [...new Set(regions)];
}
