/**
 * Checks `ecs-reconciler/ignore` rules at load, against the kind's own schema: a rule that
 * does not parse, or names a path the kind does not have (a container image on a
 * Service), would otherwise be dropped without a word, and the controller would then
 * revert the field that CI owns. Each error names the rule and, where one is close, the
 * field meant.
 */
import type { z } from 'zod';
import { parseIgnoreRules, type Segment } from '../diff/ignore.js';
import { closestWord } from '../model/did-you-mean.js';

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(s: z.ZodType): ZodDef {
  return (s as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** Through optional, default, pipes (transforms) and lazies, to the schema that has the shape. */
function unwrap(s: z.ZodType): z.ZodType {
  for (let i = 0; i < 50; i++) {
    const def = defOf(s);
    if (def.innerType && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else return s;
  }
  return s;
}

/** The schemas a node may be (a union is any of its options). */
function variants(s: z.ZodType): z.ZodType[] {
  const u = unwrap(s);
  const def = defOf(u);
  if (def.type === 'union' && def.options) return def.options.flatMap(variants);
  if (def.type === 'intersection' && def.left && def.right) return [...variants(def.left), ...variants(def.right)];
  return [u];
}

/** The child schema under `key`, `'any'` when the node takes any key (a map such as tags), or undefined with the keys it does take. */
function child(s: z.ZodType, key: string): { schema?: z.ZodType; any?: boolean; known: string[] } {
  const known: string[] = [];
  for (const v of variants(s)) {
    const def = defOf(v);
    if (def.type === 'record' || def.type === 'any' || def.type === 'unknown') return { any: true, known };
    if (def.type === 'object' && def.shape) {
      if (key in def.shape) return { schema: def.shape[key]!, known };
      known.push(...Object.keys(def.shape));
    }
  }
  return { known };
}

function elementOf(s: z.ZodType): z.ZodType | undefined {
  for (const v of variants(s)) {
    const def = defOf(v);
    if (def.type === 'array' && def.element) return def.element;
  }
  return undefined;
}

/** One message per bad rule; empty when every rule names a field the kind has. */
export function checkIgnoreRules(annotation: string, kind: string, spec: z.ZodType): string[] {
  const { rules, errors } = parseIgnoreRules(annotation);
  const out = [...errors];
  for (const rule of rules) {
    const problem = checkPath(rule.segments, spec);
    if (problem) out.push(`ignore rule "${rule.text}": ${problem.replace('%KIND%', kind)}`);
  }
  return out;
}

function checkPath(segments: readonly Segment[], spec: z.ZodType): string | undefined {
  let node: z.ZodType = spec;
  const walked: string[] = [];
  for (const seg of segments) {
    const c = child(node, seg.key);
    if (c.any) return undefined; // a map (tags, dockerLabels, options): any key is a field
    if (!c.schema) {
      const guess = closestWord(seg.key, c.known);
      return `a %KIND% has no field ${[...walked, seg.key].join('.')}${guess ? ` (did you mean "${[...walked, guess].join('.')}"?)` : ''}`;
    }
    walked.push(seg.key);
    if ('match' in seg || 'index' in seg) {
      const element = elementOf(c.schema);
      if (!element) return `${walked.join('.')} is not a list, so [${'match' in seg ? `${seg.match.field}=${seg.match.value}` : seg.index}] selects nothing`;
      if ('match' in seg) {
        const field = child(element, seg.match.field);
        if (!field.schema && !field.any) {
          const guess = closestWord(seg.match.field, field.known);
          return `the items of ${walked.join('.')} have no field ${seg.match.field} to select by${guess ? ` (did you mean "${guess}"?)` : ''}`;
        }
      }
      node = element;
      walked[walked.length - 1] += 'match' in seg ? `[${seg.match.field}=${seg.match.value}]` : `[${seg.index}]`;
    } else node = c.schema;
  }
  return undefined;
}
