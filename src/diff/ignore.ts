/**
 * Ignore rules from the `ecs-reconciler/ignore` annotation: comma-separated paths keyed
 * by name, not index (`containerDefinitions[name=app].image, tags.deployed-by`), so CI
 * may own an image tag while git owns the rest. An ignored field takes the manifest's
 * value at creation and keeps the live value on every update.
 */
export type Segment = { key: string } | { key: string; match: { field: string; value: string } } | { key: string; index: number };

export interface IgnoreRule {
  text: string;
  segments: Segment[];
}

export function parseIgnoreRules(annotation: string | undefined): { rules: IgnoreRule[]; errors: string[] } {
  const rules: IgnoreRule[] = [];
  const errors: string[] = [];
  if (!annotation) return { rules, errors };
  for (const raw of annotation.split(',')) {
    const text = raw.trim();
    if (!text) continue;
    const segments: Segment[] = [];
    let ok = true;
    for (const part of text.replace(/^spec\./, '').split('.')) {
      const m = /^([A-Za-z0-9_:/-]+)(?:\[(?:(\d+)|([A-Za-z]+)=([^\]]+))\])?$/.exec(part);
      if (!m) {
        ok = false;
        break;
      }
      if (m[2] !== undefined) segments.push({ key: m[1]!, index: Number(m[2]) });
      else if (m[3] !== undefined) segments.push({ key: m[1]!, match: { field: m[3], value: m[4]! } });
      else segments.push({ key: m[1]! });
    }
    if (!ok || segments.length === 0) errors.push(`ignore rule "${text}": expected a path like containerDefinitions[name=app].image or tags.deployed-by`);
    else rules.push({ text, segments });
  }
  return { rules, errors };
}

type Container = Record<string, unknown> | unknown[];

function step(node: unknown, seg: Segment): { parent: Container; key: string | number } | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const obj = node as Record<string, unknown>;
  if (!('match' in seg) && !('index' in seg)) return { parent: obj, key: seg.key };
  const list = obj[seg.key];
  if (!Array.isArray(list)) return undefined;
  if ('index' in seg) return seg.index < list.length ? { parent: list, key: seg.index } : undefined;
  const i = list.findIndex((item) => item && typeof item === 'object' && String((item as Record<string, unknown>)[seg.match.field]) === seg.match.value);
  return i >= 0 ? { parent: list, key: i } : undefined;
}

/** The value at a rule's path, or undefined. */
export function valueAtRule(root: unknown, rule: IgnoreRule): unknown {
  let cur: unknown = root;
  for (const seg of rule.segments) {
    const s = step(cur, seg);
    if (!s) return undefined;
    cur = (s.parent as Record<string | number, unknown>)[s.key];
  }
  return cur;
}

/** Sets (or with undefined, deletes) the value at a rule's path, when its parent exists. */
function setAtRule(root: Record<string, unknown>, rule: IgnoreRule, value: unknown): boolean {
  let cur: unknown = root;
  const segs = rule.segments;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = step(cur, segs[i]!);
    if (!s) return false;
    cur = (s.parent as Record<string | number, unknown>)[s.key];
  }
  const last = step(cur, segs[segs.length - 1]!);
  if (!last) return false;
  const parent = last.parent as Record<string | number, unknown>;
  if (value === undefined && !Array.isArray(parent)) delete parent[last.key];
  else parent[last.key] = value;
  return true;
}

export interface IgnoredField {
  path: string;
  live: unknown;
  desired: unknown;
}

/**
 * The spec to converge to: the manifest's, with each ignored path holding the live value.
 * Returns the ignored fields whose values differ, for the report. The spec keeps the
 * manifest's type: live is projected onto the API's input shape (the kind's read.ts)
 * before it is compared, so a value taken from it at a path is that field's own.
 */
export function applyIgnoreRules<S extends Record<string, unknown>>(
  desired: S,
  live: Record<string, unknown> | undefined,
  rules: readonly IgnoreRule[],
): { spec: S; ignored: IgnoredField[] } {
  if (!live || rules.length === 0) return { spec: desired, ignored: [] };
  const spec = structuredClone(desired);
  const ignored: IgnoredField[] = [];
  for (const rule of rules) {
    const liveValue = valueAtRule(live, rule);
    const desiredValue = valueAtRule(desired, rule);
    // Nothing live at the path (a container or tag new in the manifest): the field is being
    // created, so it takes the manifest's value (deleting it would register a container without an image).
    if (liveValue === undefined) continue;
    if (setAtRule(spec, rule, structuredClone(liveValue)) && JSON.stringify(liveValue) !== JSON.stringify(desiredValue)) {
      ignored.push({ path: rule.text, live: liveValue, desired: desiredValue });
    }
  }
  return { spec, ignored };
}

/** The manifest's spec with ignored paths removed: what the applied-hash covers. */
export function withoutIgnored(desired: Record<string, unknown>, rules: readonly IgnoreRule[]): Record<string, unknown> {
  if (rules.length === 0) return desired;
  const spec = structuredClone(desired);
  for (const rule of rules) setAtRule(spec, rule, undefined);
  return spec;
}
