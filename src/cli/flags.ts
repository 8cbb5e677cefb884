/**
 * Flags shared by every command, parsed with node:util parseArgs, and the help text
 * that teaches them.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
  'var-env': { type: 'string', multiple: true },
  'var-env-prefix': { type: 'string', multiple: true },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  profile: { type: 'string' },
  'controller-id': { type: 'string' },
  'log-level': { type: 'string' },
} as const satisfies OptionSpec;

export const COMMON_HELP = `Common flags:
  --var K=V             set a \${K} variable (repeatable; wins over --var-file and the environment)
  --var-file PATH       read NAME=value lines (repeatable), e.g. the emulator's .emulator.env
  --var-env NAME        let manifests read the environment variable NAME as \${NAME} (repeatable)
  --var-env-prefix P    let manifests read every environment variable starting with P, prefix
                        dropped: --var-env-prefix ECSR_VAR_ makes ECSR_VAR_IMAGE_TAG \${IMAGE_TAG}
                        (repeatable; no other environment variable is ever read by a manifest)
  --region REGION       default region for manifests without metadata.region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)
  --profile NAME        AWS profile for credentials and region (default: AWS_PROFILE, else default;
                        the SDK's own chain: ~/.aws/config and ~/.aws/credentials, SSO, roles)
  --endpoint URL        ECS / Application Auto Scaling endpoint, e.g. the local emulator (default: the SDK's, AWS_ENDPOINT_URL)
  --controller-id ID    the value of the ecs-reconciler:managed-by tag this controller owns (default: default)
  --log-level LEVEL     the daemon's log level: trace, debug, info, warn, error (default: info)
  -h, --help            show help`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCommandArgs<O extends OptionSpec>(argv: string[], options: O, positionals: { min: number; max: number; names: string }) {
  const config = {
    args: argv,
    options: { ...COMMON_OPTIONS, ...options } as typeof COMMON_OPTIONS & O,
    allowPositionals: true as const,
    strict: true as const,
  };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^.*?: /, ''));
  }
  if (!(parsed.values as { help?: boolean }).help) {
    if (parsed.positionals.length < positionals.min) throw new UsageError(`missing ${positionals.names}`);
    if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`);
  }
  return parsed;
}

export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got "${value}"`);
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number >= 0; got "${value}"`);
  return n;
}

/** `60s`, `5m`, `1500ms`, or a bare number of seconds. */
export function durationMs(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`--${name} must be a duration like 60s, 5m or 500ms; got "${value}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}
