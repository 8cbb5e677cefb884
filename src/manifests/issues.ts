/**
 * Turns zod issues into Problems in the user's words: the field path, what was
 * expected, what was found, and a did-you-mean for unknown fields and enum values.
 */
import type { z } from 'zod';
import { closestWord } from '../model/did-you-mean.js';

export type PathSegment = string | number;

export interface RenderedIssue {
  path: PathSegment[];
  /** for unknown keys: the key itself, so the location points at it */
  key?: string;
  /** a required field that is not there: located at its parent */
  missing?: true;
  message: string;
  hint?: string;
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a map';
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
  nonoptional: 'a value',
};

type Def = Record<string, unknown> & { type?: string };

function defOf(s: unknown): Def | undefined {
  return (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/**
 * The schemas that describe the value at `path`, found by walking zod's definitions
 * (wrappers unwrapped; every branch of a union).
 */
function schemasAt(schema: z.ZodType, path: readonly PathSegment[]): unknown[] {
  const found: unknown[] = [];
  const visit = (s: unknown, rest: readonly PathSegment[], depth: number): void => {
    if (!s || depth > 64) return;
    const def = defOf(s);
    if (!def) return;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        visit(def.innerType, rest, depth + 1);
        return;
      case 'pipe':
        visit(def.in, rest, depth + 1);
        return;
      case 'lazy':
        visit((def.getter as () => unknown)(), rest, depth + 1);
        return;
      case 'union':
        for (const o of def.options as unknown[]) visit(o, rest, depth + 1);
        return;
      case 'intersection':
        visit(def.left, rest, depth + 1);
        visit(def.right, rest, depth + 1);
        return;
      default:
        break;
    }
    if (rest.length === 0) {
      found.push(s);
      return;
    }
    const head = rest[0];
    switch (def.type) {
      case 'array':
        if (typeof head === 'number') visit(def.element, rest.slice(1), depth + 1);
        return;
      case 'record':
        visit(def.valueType, rest.slice(1), depth + 1);
        return;
      case 'object': {
        const shape = def.shape as Record<string, unknown>;
        if (typeof head === 'string' && Object.hasOwn(shape, head)) visit(shape[head], rest.slice(1), depth + 1);
        else if (def.catchall) visit(def.catchall, rest.slice(1), depth + 1);
        return;
      }
      default:
        return;
    }
  };
  visit(schema, path, 0);
  return found;
}

/** Known keys of the object schema at `path`. */
function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const found = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const def = defOf(s);
    if (def?.type === 'object') for (const k of Object.keys(def.shape as Record<string, unknown>)) found.add(k);
  }
  return [...found];
}

/**
 * "a whole number >= 0", "a whole number from 0 to 65535", "a number > 0": what the
 * number schema at `path` takes, in words (undefined when there is no number schema).
 */
function describeNumberAt(schema: z.ZodType, path: readonly PathSegment[]): string | undefined {
  const numbers = schemasAt(schema, path).filter((s) => defOf(s)?.type === 'number');
  if (numbers.length !== 1) return undefined;
  const checks = ((defOf(numbers[0])!.checks ?? []) as Array<{ _zod: { def: Record<string, unknown> } }>).map((c) => c._zod.def);
  const isInt = checks.some((c) => c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32' || c.format === 'uint32'));
  let low: { value: number; inclusive: boolean } | undefined;
  let high: { value: number; inclusive: boolean } | undefined;
  for (const c of checks) {
    if (c.check === 'greater_than') low = { value: Number(c.value), inclusive: c.inclusive !== false };
    if (c.check === 'less_than') high = { value: Number(c.value), inclusive: c.inclusive !== false };
  }
  const noun = isInt ? 'a whole number' : 'a number';
  if (low && high && low.inclusive && high.inclusive) return `${noun} from ${low.value} to ${high.value}`;
  const parts = [noun];
  if (low) parts.push(`${low.inclusive ? '>=' : '>'} ${low.value}`);
  if (high) parts.push(`${low ? 'and ' : ''}${high.inclusive ? '<=' : '<'} ${high.value}`);
  return parts.join(' ');
}

export function renderIssues(issues: readonly z.core.$ZodIssue[], input: unknown, schema: z.ZodType): RenderedIssue[] {
  const out: RenderedIssue[] = [];
  for (const issue of issues) out.push(...renderIssue(issue, [], input, schema));
  return out;
}

function renderIssue(issue: z.core.$ZodIssue, base: PathSegment[], input: unknown, schema: z.ZodType): RenderedIssue[] {
  const path = [...base, ...(issue.path as PathSegment[])];
  const got = valueAt(input, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => {
        const guess = closestWord(key, known);
        return {
          path: [...path, key],
          key,
          message: 'unknown field',
          ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
        };
      });
    }
    case 'invalid_type': {
      if (got === undefined) return [{ path, missing: true, message: 'required field is missing' }];
      const numeric = issue.expected === 'number' || issue.expected === 'int' ? describeNumberAt(schema, path) : undefined;
      const expected = numeric ?? TYPE_WORDS[issue.expected] ?? issue.expected;
      return [{ path, message: `expected ${expected}, got ${describeValue(got)}` }];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      if (values.length === 1) return [{ path, message: `expected ${JSON.stringify(issue.values[0])}, got ${describeValue(got)}` }];
      const guess = typeof got === 'string' ? closestWord(got, values) : undefined;
      return [
        {
          path,
          message: `expected one of ${values.join(', ')}; got ${describeValue(got)}`,
          ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
      const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      const origin = (issue as { origin?: string }).origin;
      if (origin === 'string')
        return [{ path, message: `must be ${small ? 'at least' : 'at most'} ${bound} characters long, got ${(got as string)?.length ?? 0}` }];
      if (origin === 'array' || origin === 'set')
        return [{ path, message: `must have ${small ? 'at least' : 'at most'} ${bound} items, got ${Array.isArray(got) ? got.length : 0}` }];
      return [{ path, message: `expected ${describeNumberAt(schema, path) ?? `a number ${op} ${bound}`}, got ${describeValue(got)}` }];
    }
    case 'not_multiple_of':
      return [{ path, message: `expected a multiple of ${issue.divisor}, got ${describeValue(got)}` }];
    case 'invalid_format': {
      const pattern = (issue as { pattern?: string }).pattern;
      const custom = issue.message && !issue.message.startsWith('Invalid') ? issue.message : undefined;
      return [{ path, message: custom ?? `${describeValue(got)} is not a valid ${issue.format}${pattern ? ` (expected to match ${pattern})` : ''}` }];
    }
    case 'invalid_union': {
      const branches = (issue as { errors: z.core.$ZodIssue[][] }).errors;
      if (branches.length === 0) return [{ path, message: issue.message }];
      const allTypeMismatch = branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0);
      if (allTypeMismatch) {
        if (got === undefined) return [{ path, missing: true, message: 'required field is missing' }];
        const words = branches.map((b) => {
          const e = b[0] as { expected: string };
          return TYPE_WORDS[e.expected] ?? e.expected;
        });
        return [{ path, message: `expected ${[...new Set(words)].join(' or ')}, got ${describeValue(got)}` }];
      }
      // The branch that got furthest (fewest top-level type mismatches) says most.
      const best = [...branches].sort((a, b) => score(a) - score(b))[0]!;
      return best.flatMap((i) => renderIssue(i, path, input, schema));
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function score(branch: z.core.$ZodIssue[]): number {
  return branch.reduce((s, i) => s + (i.code === 'invalid_type' && i.path.length === 0 ? 100 : 1), 0);
}
