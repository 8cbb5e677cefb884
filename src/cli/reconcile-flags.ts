/** Flags and set-up shared by plan and apply (and run): region, endpoint, gateways. */
import { AwsGateways, type ReadBudget } from '../aws/index.js';
import { DEFAULT_REDACT_PATTERNS, Redactor } from '../report/index.js';
import { UsageError } from './flags.js';
import type { CommandIO } from './io.js';

export const DEFAULT_CONTROLLER_ID = 'default';

export function requireRegion(flag: string | undefined, io: CommandIO): string {
  const region = flag ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region, or set AWS_REGION');
  return region;
}

export function makeGateways(opts: { endpoint?: string; env: NodeJS.ProcessEnv; readBudget?: ReadBudget }): AwsGateways {
  // The rate limiter can be turned off for the local emulator's benchmarks; never needed against AWS.
  const limits = opts.env.ECS_RECONCILER_RATE_LIMITS === 'off' ? 'off' : undefined;
  return new AwsGateways({ ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), ...(limits ? { rateLimits: limits } : {}), ...(opts.readBudget ? { readBudget: opts.readBudget } : {}) });
}

/** --redact patterns replace the defaults (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL); commas split too. */
export function redactorFrom(flags: readonly string[] | undefined): Redactor {
  const patterns = (flags ?? []).flatMap((f) => f.split(',')).map((p) => p.trim()).filter(Boolean);
  return new Redactor(patterns.length ? patterns : DEFAULT_REDACT_PATTERNS);
}
