/** Flags and set-up shared by plan and apply (and run): region, endpoint, gateways. */
import { AwsGateways } from '../aws/index.js';
import { DEFAULT_REDACT_PATTERNS, isFieldPathPattern, Redactor } from '../report/index.js';
import { UsageError } from './flags.js';
import type { CommandIO } from './io.js';

export const DEFAULT_CONTROLLER_ID = 'default';

export function requireRegion(flag: string | undefined, io: CommandIO): string {
  const region = flag ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region, or set AWS_REGION');
  return region;
}

export function makeGateways(opts: { endpoint?: string; env: NodeJS.ProcessEnv }): AwsGateways {
  // The rate limiter can be turned off for the local emulator's benchmarks; never needed against AWS.
  const limits = opts.env.ECS_RECONCILER_RATE_LIMITS === 'off' ? 'off' : undefined;
  return new AwsGateways({ ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(limits ? { rateLimits: limits } : {}) });
}

/**
 * --redact takes names and field paths (commas split too): names replace the default
 * name patterns (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL); field paths
 * (`containerDefinitions[name=*].command`, anything with `.` or `[`) add to them.
 */
export function redactorFrom(flags: readonly string[] | undefined, key?: Uint8Array): Redactor {
  const given = (flags ?? []).flatMap((f) => f.split(',')).map((p) => p.trim()).filter(Boolean);
  const names = given.filter((p) => !isFieldPathPattern(p));
  const paths = given.filter(isFieldPathPattern);
  return new Redactor(names.length ? names : DEFAULT_REDACT_PATTERNS, { paths, ...(key ? { key } : {}) });
}
