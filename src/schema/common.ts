import { z } from 'zod';
import { emptyRecord } from '../model/own-keys.js';

/** A whole number in [min, max] (max optional). */
export function int(min: number, max?: number) {
  const s = z.number().int().min(min);
  return max === undefined ? s : s.max(max);
}

/** A non-empty string, optionally bounded in length. */
export function str(max?: number) {
  const s = z.string().min(1);
  return max === undefined ? s : s.max(max);
}

/** Lists of plain strings (commands, DNS servers, ...). */
export const stringList = z.array(z.string());

/**
 * zod's z.record drops a "__proto__" key (its own guard against prototype pollution),
 * while ECS takes it as a tag key, docker label or log option like any other: the key
 * goes through validation under a stand-in and comes out of it in a null-prototype map,
 * where no key (`constructor`, `toString`, `__proto__`) means anything but itself.
 */
const PROTO_KEY_STAND_IN = '\u0000__proto__';

/** After validation: the map's stand-in key back to "__proto__", in a null-prototype map. */
export function restoreProtoKeys<T>(m: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = emptyRecord();
  for (const [k, v] of Object.entries(m)) out[k === PROTO_KEY_STAND_IN ? '__proto__' : k] = v;
  return out;
}

export function ownKeysRecord<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).transform((m) => restoreProtoKeys(m as Record<string, z.output<V>>));
}

/**
 * Before zod sees a parsed map: an own "__proto__" key is renamed to the stand-in (see
 * ownKeysRecord). A value that holds none (nearly every manifest) is given back as it is:
 * a walk that looks costs far less than a copy of every document a cold `plan` loads.
 */
export function standInProtoKeys(value: unknown): unknown {
  return holdsProtoKey(value) ? withStandIns(value) : value;
}

function holdsProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsProtoKey);
  if (value === null || typeof value !== 'object') return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  for (const k in value) if (Object.hasOwn(value, k) && holdsProtoKey((value as Record<string, unknown>)[k])) return true;
  return false;
}

function withStandIns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withStandIns);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = emptyRecord();
  for (const [k, v] of Object.entries(value)) out[k === '__proto__' ? PROTO_KEY_STAND_IN : k] = withStandIns(v);
  return out;
}

/** string -> string map (docker labels, log options, ...). */
export const stringMap = ownKeysRecord(z.string());

/**
 * A string that a YAML author may write unquoted as a number or boolean (`value: 3`,
 * `value: true`); the output is always the string ECS expects.
 */
export const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** ECS name pattern for clusters, task definition families, services and containers. */
export const ECS_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,255}$/;
export const ECS_NAME_MESSAGE = 'expected 1-255 letters, numbers, hyphens and underscores';

export function ecsName(what: string) {
  return z
    .string()
    .regex(ECS_NAME_PATTERN, { error: got(ECS_NAME_MESSAGE) })
    .describe(`The ${what}: up to 255 letters (uppercase and lowercase), numbers, hyphens and underscores.`);
}

/** Placement constraint as used by both task definitions (memberOf) and services. */
export const placementExpression = z.string().max(2000);

/** A regex error message that ends with the offending value: `expected ..., got "x"`. */
export function got(expected: string) {
  return (iss: { input?: unknown }): string => `${expected}, got ${JSON.stringify(iss.input)}`;
}

/**
 * A document-wide cross-field rule (Fargate cpu/memory pairs, launchType with
 * capacityProviderStrategy, ...) that runs even when some field failed its own check,
 * so one validate run reports every problem of a file (zod skips such rules once any
 * field's issue aborts): `.superRefine(everyRun(rule), EVERY_RUN)`. The rule then sees
 * the input as it was: a value of the wrong type that makes it throw is left to that
 * field's own problem.
 */
export function everyRun<T>(rule: (value: T, ctx: z.RefinementCtx<T>) => void): (value: T, ctx: z.RefinementCtx<T>) => void {
  return (value, ctx) => {
    if (value === null || typeof value !== 'object') return;
    try {
      rule(value, ctx);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
  };
}

export const EVERY_RUN = { when: () => true };
