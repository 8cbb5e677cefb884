/**
 * Pure: one file's text to manifests or located problems. YAML (multi-document) and
 * plain register-task-definition JSON (comments allowed) both go through the YAML
 * parser, which keeps every node's source range, so every problem has a line and a
 * column. `${VAR}` is substituted in string values after parsing, never in the raw
 * text, so a variable's value can never change the document's structure.
 */
import type { Document, Scalar, YAMLError } from 'yaml';
import type { z } from 'zod';
import type { PlainJsonFile, ResourceKind } from '../kinds/kind.js';
import { findKind, kindOf, REGISTRY } from '../kinds/registry.js';
import { closestWord } from '../model/did-you-mean.js';
import { clusterNameOf, parseClusterArn } from '../model/ecs-arn.js';
import type { Problem } from '../model/problem.js';
import { ANNOTATION, type DesiredResource, type InvalidResource, type Kind, resourceId, type SourceLocation } from '../model/resource.js';
import { StringPool } from '../model/string-pool.js';
import { dropUnsetValues } from '../model/unset-values.js';
import { yaml } from '../model/yaml-package.js';
import { standInProtoKeys } from '../schema/common.js';
import { API_VERSION } from '../schema/index.js';
import { MAX_DEPTH, type PlainDocument, readPlainDocuments } from './fast-yaml.js';
import { checkIgnoreRules } from './ignore-rules.js';
import { formatPath, type PathSegment, type RenderedIssue, renderIssues } from './issues.js';
import { blankJsonComments } from './json-comments.js';
import { substitutedScalar, substituteVariables, type Variables } from './variables.js';

/** Aliases expanded per document; far above any honest manifest, far below a billion laughs. */
const MAX_ALIAS_COUNT = 100;

export interface ParseContext {
  vars: Variables;
  defaultRegion: string;
  /**
   * The values read, as strings of their own, equal ones shared (model/string-pool.ts): a
   * value sliced from its file's text would keep the whole text alive as long as the
   * resource (the daemon's parse cache keeps it between passes). One a load (load.ts), so
   * equal values of its files are one string; absent, one a file.
   */
  values?: StringPool;
}

/** A file's parse: its context with the pool of values it reads into (the load's, or one of its own). */
type FileContext = ParseContext & { values: StringPool };

export interface ParsedFile {
  resources: DesiredResource[];
  invalid: InvalidResource[];
  problems: Problem[];
  /** what the loader changed on the way in, said once a file (not errors: the file loads) */
  notices: Problem[];
}

interface Located {
  /** offset to 1-based line and column (the yaml package's LineCounter, or lineIndex for the fast path) */
  lineCounter: { linePos(offset: number): { line: number; col: number } };
  file: string;
}

/**
 * Where a document's nodes start: the field paths a manifest's problems and references
 * point at. The yaml package's document answers from its node ranges; the fast path's
 * from the offsets it kept (fast-yaml.ts).
 */
interface DocumentView {
  /** the source offset of the node at `path` (or of the nearest ancestor that exists); with `key`, of that key in the map at `path` */
  offsetOf(path: readonly PathSegment[], key?: string): number;
}

function position(loc: Located, offset: number): { line: number; column: number } {
  const { line, col } = loc.lineCounter.linePos(offset);
  return { line, column: col };
}

function nodeOffset(node: unknown): number | undefined {
  if (yaml().isNode(node) && node.range) return node.range[0];
  return undefined;
}

/** The source offset of the node at `path` (or of the nearest ancestor that exists). */
function offsetOfPath(doc: Document, path: readonly PathSegment[], key?: string): number {
  let node: unknown = doc.contents;
  let best = nodeOffset(node) ?? 0;
  const segments = key !== undefined ? path.slice(0, -1) : path;
  for (const seg of segments) {
    if (yaml().isMap(node)) {
      const pair = node.items.find((p) => yaml().isPair(p) && yaml().isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      node = pair.value;
    } else if (yaml().isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else break;
    const off = nodeOffset(node);
    if (off === undefined) break;
    best = off;
  }
  if (key !== undefined && yaml().isMap(node)) {
    const pair = node.items.find((p) => yaml().isPair(p) && yaml().isScalar(p.key) && String(p.key.value) === key);
    const off = pair ? nodeOffset(pair.key) : undefined;
    if (off !== undefined) best = off;
  }
  return best;
}

/** The first node nested deeper than MAX_DEPTH (for its location), or undefined. */
function tooDeep(node: unknown, depth = 0): unknown {
  if (!(yaml().isMap(node) || yaml().isSeq(node))) return undefined;
  if (depth >= MAX_DEPTH) return node;
  for (const item of node.items as unknown[]) {
    const child = yaml().isPair(item) ? item.value : item;
    const found = tooDeep(child, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Substitutes `${VAR}` in every string scalar; a whole plain scalar that was one reference is re-read as YAML (so `${COUNT}` can be a number). */
function substituteInDocument(doc: Document, ctx: ParseContext, loc: Located, problems: Problem[], source: string): void {
  yaml().visit(doc, {
    Scalar(key, node: Scalar, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const result = substituteVariables(node.value, ctx.vars);
      if (!result.ok) {
        const start = node.range?.[0] ?? 0;
        const end = node.range?.[1] ?? start;
        // the n-th "${" of the value is the n-th "${" of the scalar's source text
        const nth = node.value.slice(0, result.offset).split('${').length - 1;
        let exact = source.indexOf('${', start);
        for (let k = 0; k < nth && exact >= 0; k++) exact = source.indexOf('${', exact + 2);
        const at = exact >= 0 && exact < end ? exact : start;
        problems.push({
          stage: 'load',
          file: loc.file,
          ...position(loc, at),
          path: formatPath(fieldPath([...ancestors, node])),
          message: result.message,
          ...(result.message.startsWith('undefined')
            ? // Fluent Bit configs in FireLens options and shell commands carry ${NAME}s the
              // container fills in at run time (aws-samples/amazon-ecs-firelens-examples);
              // ECS passes them through as text. Taking one as an empty or missing value would
              // change what the container gets, so it stays an error that says how to keep it.
              {
                hint: `pass --var ${result.name}=..., add it to a --var-file, allow it from the environment with --var-env ${result.name} or --var-env-prefix, or write \${${result.name}:=default}; to pass \${${result.name}} to the container as written (a Fluent Bit or shell placeholder filled in at run time), write $\${${result.name}}`,
              }
            : {}),
        });
        return;
      }
      node.value = substitutedScalar(node.value, result.value, node.type === 'PLAIN');
    },
  });
}

/** The field path of a node from its ancestors (as `visit` gives them). */
function fieldPath(chain: readonly unknown[]): PathSegment[] {
  const out: PathSegment[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i];
    const next = chain[i + 1];
    if (yaml().isPair(a) && next === a.value) out.push(yaml().isScalar(a.key) ? String(a.key.value) : String(a.key));
    else if (yaml().isSeq(a)) out.push(a.items.indexOf(next as never));
  }
  return out;
}

function stringAt(obj: unknown, ...path: string[]): string | undefined {
  let cur = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/**
 * One file to manifests or located problems. `plainPath: false` parses with the yaml
 * package alone (tests hold the fast path to giving what it gives).
 */
export function parseManifestText(file: string, text: string, ctx: ParseContext, { plainPath = true }: { plainPath?: boolean } = {}): ParsedFile {
  const out: ParsedFile = { resources: [], invalid: [], problems: [], notices: [] };
  const fileCtx: FileContext = ctx.values ? (ctx as FileContext) : { ...ctx, values: new StringPool() };
  const isJson = file.toLowerCase().endsWith('.json');
  if (text.trim() === '') {
    out.problems.push({ stage: 'load', file, line: 1, column: 1, message: 'file is empty: expected at least one manifest' });
    return out;
  }
  if (!isJson && plainPath) {
    const fast = parsePlainFile(file, text, fileCtx);
    if (fast) return fast;
  }
  const lineCounter = new (yaml().LineCounter)();
  const loc: Located = { lineCounter, file };
  let docs: Document[];
  try {
    if (isJson) {
      const blanked = blankJsonComments(text);
      if (blanked.unterminatedCommentAt !== undefined) {
        // the counter is filled by parsing, so parse first to place the error
        yaml().parseDocument(text, { lineCounter });
        out.problems.push({
          stage: 'load',
          file,
          ...position(loc, blanked.unterminatedCommentAt),
          message: 'JSON syntax: unterminated /* comment (no closing */)',
        });
        out.invalid.push({ kind: 'TaskDefinition', source: { file, line: 1, column: 1 } });
        return out;
      }
      docs = [yaml().parseDocument(blanked.text, { lineCounter, uniqueKeys: true, prettyErrors: false }) as Document];
    } else {
      docs = yaml().parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false }) as Document[];
      if (!Array.isArray(docs)) docs = [docs as unknown as Document];
    }
  } catch (err) {
    // the parser handles its own errors; this is the last line of defence (a stack overflow, say)
    const msg = err instanceof Error ? err.message : String(err);
    out.problems.push({
      stage: 'load',
      file,
      line: 1,
      column: 1,
      message: /call stack/i.test(msg) ? `document is nested too deeply (more than ${MAX_DEPTH} levels): refused` : `cannot parse file: ${msg}`,
    });
    out.invalid.push({ source: { file, line: 1, column: 1 } });
    return out;
  }

  // `---` followed by nothing (or only comments) is an empty document, not a manifest.
  const nonEmpty = docs.filter((d) => d.errors.length > 0 || !isEmptyDocument(d));
  if (nonEmpty.length === 0) {
    out.problems.push({ stage: 'load', file, line: 1, column: 1, message: 'file holds no manifest: only comments or empty documents' });
    return out;
  }
  for (const doc of nonEmpty) parseOneDocument(doc, isJson, text, fileCtx, loc, out);
  return out;
}

/**
 * The fast path (fast-yaml.ts): a file of plain YAML whose every document loads, read
 * without the yaml package's nodes. Any problem at all, and the file is parsed again by
 * the yaml package (undefined here), which words and places every problem as it always has.
 */
function parsePlainFile(file: string, text: string, ctx: FileContext): ParsedFile | undefined {
  const docs = readPlainDocuments(
    text,
    (value) => {
      const result = substituteVariables(value, ctx.vars);
      return result.ok ? result.value : undefined;
    },
    ctx.values,
  );
  if (!docs?.length) return undefined;
  const out: ParsedFile = { resources: [], invalid: [], problems: [], notices: [] };
  const loc: Located = { lineCounter: lineIndex(text), file };
  try {
    for (const doc of docs) {
      const view: DocumentView = { offsetOf: (path) => plainOffsetOf(doc, path) };
      readManifest(doc.value, view, position(loc, doc.start), false, [], ctx, loc, out);
      if (out.problems.length > 0 || out.invalid.length > 0) return undefined;
    }
  } catch (err) {
    if (err instanceof BlockScalarAt) return undefined;
    throw err;
  }
  return out;
}

/** offsetOfPath's answer from the offsets the fast path kept: the node at `path`, or its nearest ancestor's. */
function plainOffsetOf(doc: PlainDocument, path: readonly PathSegment[]): number {
  for (let n = path.length; n > 0; n--) {
    const at = doc.offsets.get(path.slice(0, n).join('\u0000'));
    if (at !== undefined) {
      // a block scalar's range starts at its indicator, which the fast path does not keep: the yaml package places it
      if (at < 0) throw new BlockScalarAt();
      return at;
    }
  }
  return doc.start;
}

class BlockScalarAt extends Error {}

/** The yaml package's LineCounter from a text's newlines, found in one scan when first asked. */
function lineIndex(text: string): Located['lineCounter'] {
  let starts: number[] | undefined;
  return {
    linePos(offset) {
      if (!starts) {
        starts = [0];
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      }
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, col: offset - starts[lo]! + 1 };
    },
  };
}

function isEmptyDocument(doc: Document): boolean {
  const c = doc.contents;
  if (c === null || c === undefined) return true;
  // an empty document's contents are a null scalar with no source text
  return yaml().isScalar(c) && c.value === null && (c.source === undefined || c.source === '') && (!c.range || c.range[0] === c.range[1]);
}

function parseOneDocument(doc: Document, isJson: boolean, source: string, ctx: FileContext, loc: Located, out: ParsedFile): void {
  const docStart = nodeOffset(doc.contents) ?? doc.range?.[0] ?? 0;
  const docLoc = position(loc, docStart);
  if (doc.errors.length > 0) {
    // The first error says what is wrong; the rest are mostly its echoes.
    out.problems.push(isJson ? jsonSyntaxProblem(doc.errors[0]!, source, loc) : syntaxProblem(doc.errors[0]!, false, source, loc));
    out.invalid.push({ source: { file: loc.file, ...docLoc } });
    return;
  }
  const deep = tooDeep(doc.contents);
  if (deep !== undefined) {
    out.problems.push({
      stage: 'load',
      file: loc.file,
      ...position(loc, nodeOffset(deep) ?? docStart),
      message: `document is nested deeper than ${MAX_DEPTH} levels: refused`,
    });
    out.invalid.push({ source: { file: loc.file, ...docLoc } });
    return;
  }

  const substitutionProblems: Problem[] = [];
  // a document whose source text has no "${" has nothing to substitute: no walk of its every node
  // (a cold plan parses every file; issue 19's 1,000-service plan is mostly this load)
  const [from, , to] = doc.range ?? [0, source.length, source.length];
  const referenceAt = source.indexOf('${', from);
  if (referenceAt >= 0 && referenceAt < to) substituteInDocument(doc, ctx, loc, substitutionProblems, source);

  let raw: unknown;
  try {
    // its strings sliced from the file's text: made strings of their own (ParseContext.values)
    raw = ctx.values.ownAll(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const unresolved = /Unresolved alias/i.test(msg);
    let at = docLoc;
    let aliasName = '';
    if (unresolved) {
      // point at the alias itself: the first one whose anchor comes later or nowhere
      const anchors = new Set<string>();
      yaml().visit(doc, (_key, node) => {
        if (yaml().isAlias(node)) {
          if (!aliasName && !anchors.has(node.source) && node.range) {
            aliasName = node.source;
            at = position(loc, node.range[0]);
          }
        } else if (yaml().isNode(node) && node.anchor) anchors.add(node.anchor);
      });
    }
    out.problems.push({
      stage: 'load',
      file: loc.file,
      ...at,
      message: unresolved
        ? `YAML alias *${aliasName} has no anchor &${aliasName} before it`
        : /alias/i.test(msg)
          ? `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?): refused`
          : `cannot read document: ${msg}`,
    });
    out.invalid.push({ source: { file: loc.file, ...docLoc } });
    return;
  }

  // an alias inside the node its anchor names makes a cyclic value, which no manifest is
  if (isCyclic(raw)) {
    out.problems.push({ stage: 'load', file: loc.file, ...docLoc, message: 'a YAML alias refers to a node that contains it (a cycle): refused' });
    out.invalid.push({ source: { file: loc.file, ...docLoc } });
    return;
  }

  readManifest(raw, { offsetOf: (path, key) => offsetOfPath(doc, path, key) }, docLoc, isJson, substitutionProblems, ctx, loc, out);
}

/**
 * The manifest in a document's value: its kind, its schema, the resource it describes, or
 * its located problems. The same for both parsers (DocumentView says where things are).
 */
function readManifest(
  raw: unknown,
  view: DocumentView,
  docLoc: { line: number; column: number },
  isJson: boolean,
  substitutionProblems: readonly Problem[],
  ctx: ParseContext,
  loc: Located,
  out: ParsedFile,
): void {
  // a plain .json file is a document of the kind that reads one (a register-task-definition input)
  const jsonKind = isJson ? REGISTRY.find((k) => k.plainJson) : undefined;
  const identity = identify(raw, jsonKind);
  const source0: SourceLocation = { file: loc.file, ...docLoc };
  const invalid: InvalidResource = { ...identity, source: source0 };
  // An undefined ${VAR} does not stop the checks: the rest of the document is still
  // validated (one run reports every problem), the failed field is not reported twice.
  out.problems.push(...substitutionProblems);
  const unsubstituted = new Set(substitutionProblems.map((p) => p.path ?? ''));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const got = raw === null ? 'an empty value' : Array.isArray(raw) ? 'a list' : typeof raw === 'string' ? 'a string' : typeof raw;
    out.problems.push({
      stage: 'load',
      file: loc.file,
      ...docLoc,
      message: isJson
        ? `expected ${jsonKind?.plainJson?.expected ?? 'no .json file: no kind reads one'}, got ${got}`
        : `expected a manifest (a map with apiVersion, kind, metadata, spec), got ${got}`,
    });
    out.invalid.push(invalid);
    return;
  }

  let schema: z.ZodType;
  let kindDef: ResourceKind | undefined;
  if (isJson && (!jsonKind?.plainJson || ('apiVersion' in raw && 'kind' in raw))) {
    out.problems.push({
      stage: 'load',
      file: loc.file,
      ...position(loc, view.offsetOf(['apiVersion'], 'apiVersion')),
      message: jsonKind?.plainJson ? `a .json file is read as ${jsonKind.plainJson.readAs}, not as a manifest` : 'no kind reads a .json file',
      hint: 'write ecs-reconciler manifests (apiVersion, kind, metadata, spec) as .yaml files',
    });
    out.invalid.push(invalid);
    return;
  }
  if (isJson) {
    kindDef = jsonKind!;
    schema = kindDef.plainJson!.schema;
  } else {
    const record = raw as Record<string, unknown>;
    if (record.apiVersion !== API_VERSION) {
      out.problems.push({
        stage: 'load',
        file: loc.file,
        ...position(loc, view.offsetOf(['apiVersion'])),
        path: 'apiVersion',
        message:
          record.apiVersion === undefined
            ? `required field is missing: expected "${API_VERSION}"`
            : `expected "${API_VERSION}", got ${JSON.stringify(record.apiVersion)}`,
      });
      out.invalid.push(invalid);
      return;
    }
    const kind = record.kind;
    kindDef = typeof kind === 'string' ? findKind(kind) : undefined;
    if (!kindDef) {
      const names = REGISTRY.map((k) => k.name);
      const expected = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
      const guess = typeof kind === 'string' ? closestWord(kind, names) : undefined;
      out.problems.push({
        stage: 'load',
        file: loc.file,
        ...position(loc, view.offsetOf(['kind'])),
        path: 'kind',
        message: kind === undefined ? `required field is missing: expected ${expected}` : `unknown kind ${JSON.stringify(kind)}: expected ${expected}`,
        ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
      });
      out.invalid.push(invalid);
      return;
    }
    schema = kindDef.manifestSchema;
  }

  // A document kept in another form (describe output, read-only members) is read as the
  // schema takes it (the kind's plainJson / readSpec), said once a file.
  let input: object = raw;
  let pathPrefix: PathSegment[] = [];
  const record0 = raw as Record<string, unknown>;
  let notice: { prefix: string; message: string } | undefined;
  if (isJson) {
    const read = kindDef.plainJson!.read(record0);
    input = read.input;
    pathPrefix = read.at;
    notice = read.notice;
  } else if (kindDef.readSpec && record0.spec !== null && typeof record0.spec === 'object' && !Array.isArray(record0.spec)) {
    const read = kindDef.readSpec(record0.spec as Record<string, unknown>, stringAt(raw, 'metadata', 'name'));
    if (read) {
      input = { ...record0, spec: read.spec };
      notice = read.notice;
    }
  }
  // one notice a file, at the first document it concerns
  if (notice && !out.notices.some((n) => n.message.startsWith(notice.prefix))) {
    out.notices.push({ stage: 'load', file: loc.file, ...docLoc, message: notice.message });
  }
  // "" and null for optional fields are unset (model/unset-values.ts).
  if (isJson) input = dropUnsetValues(input) as object;
  else {
    const r = input as Record<string, unknown>;
    if (r.spec !== undefined && r.spec !== null) input = { ...r, spec: dropUnsetValues(r.spec) };
  }

  // A Service may name a cluster managed elsewhere by its ARN (DESIGN.md); the schema
  // checks the name, so validate with the name the ARN carries.
  let clusterArn: string | undefined;
  const cluster = isJson ? undefined : stringAt(raw, 'metadata', 'cluster');
  if (cluster !== undefined && clusterNameOf(cluster) !== cluster) {
    clusterArn = cluster;
    const record = input as Record<string, unknown>;
    input = { ...record, metadata: { ...(record.metadata as Record<string, unknown>), cluster: clusterNameOf(cluster) } };
  }

  const parsed = schema.safeParse(standInProtoKeys(input));
  // only a document that names other manifests and does not load needs its references kept apart
  if (!isJson && kindDef.referenceFields && (!parsed.success || unsubstituted.size)) invalid.references = referencesOf(raw, view, loc, kindDef.referenceFields);
  if (!parsed.success) {
    for (const rendered of renderIssues(withoutEchoes(parsed.error.issues), input, schema)) {
      if (unsubstituted.has(formatPath(rendered.path))) continue;
      const issue = pathPrefix.length ? { ...rendered, path: [...pathPrefix, ...rendered.path] } : rendered;
      out.problems.push({
        stage: 'validate',
        file: loc.file,
        ...position(loc, issueOffset(view, issue)),
        path: formatPath(issue.path),
        message: issue.message,
        ...(issue.hint ? { hint: issue.hint } : {}),
        ...(identity.kind && identity.name ? { resource: `${identity.kind}/${identity.name}` } : {}),
      });
    }
    out.invalid.push(invalid);
    return;
  }
  if (unsubstituted.size) {
    out.invalid.push(invalid);
    return;
  }
  const resource = toDesired(parsed.data as Record<string, unknown>, isJson ? kindDef : undefined, ctx, source0);
  const ignore = resource.annotations[ANNOTATION.ignore];
  if (ignore !== undefined) {
    const bad = checkIgnoreRules(ignore, resource.kind, kindOf(resource.kind).specSchema);
    if (bad.length) {
      const at = position(loc, view.offsetOf(['metadata', 'annotations', ANNOTATION.ignore]));
      for (const message of bad) {
        out.problems.push({
          stage: 'validate',
          file: loc.file,
          ...at,
          path: `metadata.annotations.${ANNOTATION.ignore}`,
          message,
          resource: resourceId(resource),
        });
      }
      out.invalid.push(invalid);
      return;
    }
  }
  if (clusterArn !== undefined) {
    resource.externalCluster = true;
    // An ARN names its region and account: the service goes to that region, and may not
    // quietly land in the default one under the same cluster name.
    const arn = parseClusterArn(clusterArn);
    const explicitRegion = stringAt(raw, 'metadata', 'region');
    if (arn && explicitRegion !== undefined && explicitRegion !== arn.region) {
      out.problems.push({
        stage: 'validate',
        file: loc.file,
        ...position(loc, view.offsetOf(['metadata', 'cluster'])),
        path: 'metadata.cluster',
        message: `the cluster ARN is in region ${arn.region}, but metadata.region says ${explicitRegion}: a service runs in its cluster's region`,
        hint: `drop metadata.region (the ARN's region is used) or name a cluster in ${explicitRegion}`,
        ...(identity.kind && identity.name ? { resource: `${identity.kind}/${identity.name}` } : {}),
      });
      out.invalid.push(invalid);
      return;
    }
    if (arn) {
      resource.region = arn.region;
      resource.clusterAccount = arn.account;
    }
  }
  const located: Array<[string, PathSegment[]]> = isJson
    ? [['metadata.name', [...pathPrefix, kindDef.plainJson!.nameField]]]
    : [
        ['metadata.name', ['metadata', 'name']],
        ['metadata.cluster', ['metadata', 'cluster']],
        ...(kindDef.referenceFields ?? []).map((f): [string, PathSegment[]] => [f, f.split('.')]),
      ];
  resource.fieldLocations = Object.fromEntries(located.map(([name, path]) => [name, position(loc, view.offsetOf(path))]));
  out.resources.push(resource);
}

/**
 * A cross-field rule that ran on a document with a broken field (everyRun) may restate
 * that field's problem in other words: a rule's issue at, above or below a field that
 * has its own issue is dropped.
 */
function withoutEchoes(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  // an unknown key's issue sits on its parent: the field it speaks of is the key itself
  const own = issues
    .filter((i) => i.code !== 'custom')
    .flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k]) : [i.path]))
    .map((p) => p.map(String).join('\u0000'));
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}\u0000`) || b.startsWith(`${a}\u0000`);
  return issues.filter((i) => {
    if (i.code !== 'custom') return true;
    const p = i.path.map(String).join('\u0000');
    return !own.some((o) => o !== '' && p !== '' && related(p, o));
  });
}

/** What a document that does not load names (its cluster, the kind's reference fields), so its references are still checked in the same run. */
function referencesOf(raw: unknown, view: DocumentView, loc: Located, fields: readonly string[]): NonNullable<InvalidResource['references']> {
  const usable = (v: string | undefined): v is string => v !== undefined && v !== '' && !v.includes('${');
  const cluster = stringAt(raw, 'metadata', 'cluster');
  const spec: Record<string, unknown> = {};
  for (const f of fields) {
    const [top, ...rest] = f.split('.');
    const value = stringAt(raw, top!, ...rest);
    if (top === 'spec' && rest.length === 1 && usable(value)) spec[rest[0]!] = value;
  }
  return {
    ...(usable(cluster) ? { cluster: clusterNameOf(cluster), externalCluster: clusterNameOf(cluster) !== cluster } : {}),
    spec,
    fieldLocations: Object.fromEntries(['metadata.cluster', ...fields].map((f) => [f, position(loc, view.offsetOf(f.split('.')))])),
  };
}

/** The unmatched `[` or `{` before `at` (brackets in quotes are not told apart: a best guess). */
function openingBracket(source: string, at: number, want: '[' | '{'): number | undefined {
  let depth = 0;
  for (let i = Math.min(at, source.length) - 1; i >= 0 && at - i < 100_000; i--) {
    const c = source[i];
    if (c === ']' || c === '}') depth++;
    else if (c === '[' || c === '{') {
      if (depth === 0) return c === want ? i : undefined;
      depth--;
    }
  }
  return undefined;
}

/** Where an issue sits: an unknown key at the key, a missing field at its parent's key, others at the value. */
function issueOffset(view: DocumentView, issue: RenderedIssue): number {
  if (issue.missing && issue.path.length > 0) {
    const parent = issue.path.slice(0, -1);
    const last = parent.at(-1);
    return typeof last === 'string' ? view.offsetOf(parent, last) : view.offsetOf(parent);
  }
  return view.offsetOf(issue.path, issue.key);
}

/** JSON's own words for a JSON syntax error (the YAML parser's speak of YAML tokens). */
function jsonSyntaxProblem(err: YAMLError, source: string, loc: Located): Problem {
  const fallback = syntaxProblem(err, true, source, loc);
  try {
    JSON.parse(blankJsonComments(source).text);
  } catch (e) {
    const m = /^(.*?) in JSON at position (\d+)/.exec(e instanceof Error ? e.message : '');
    if (m) {
      return {
        stage: 'load',
        file: loc.file,
        ...position(loc, Number(m[2])),
        message: `JSON syntax: ${m[1]}`,
        ...(/^Expected ','/.test(m[1]!) ? { hint: 'a comma missing at the end of the value before?' } : {}),
      };
    }
  }
  return fallback;
}

function syntaxProblem(err: YAMLError, isJson: boolean, source: string, loc: Located): Problem {
  const at = Math.min(err.pos[0], source.length);
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = source.indexOf('\n', at);
  const wholeLine = source.slice(lineStart, lineEnd < 0 ? Math.min(source.length, lineStart + 10_000) : Math.min(lineEnd, lineStart + 10_000));
  const what = isJson ? 'JSON' : 'YAML';
  let message = `${what} syntax: ${err.message.split('\n')[0]}`;
  const unclosed = /^Flow (sequence|map) .*end with a ([\]}])/.exec(err.message);
  if (unclosed) {
    const open = openingBracket(source, at, unclosed[2] === ']' ? '[' : '{');
    if (open !== undefined) {
      return {
        stage: 'load',
        file: loc.file,
        ...position(loc, open),
        message: `${what} syntax: this ${source[open]} is never closed: a flow ${unclosed[1] === 'map' ? 'map' : 'list'} must end with ${unclosed[2]}`,
      };
    }
  }
  if (/call stack/i.test(err.message)) message = `document is nested too deeply (more than ${MAX_DEPTH} levels): refused`;
  else if (err.code === 'DUPLICATE_KEY') {
    const key = /^\s*(?:-\s+)*(?:"([^"]*)"|'([^']*)'|([^:#]+?))\s*:/.exec(source.slice(at, at + 1000));
    const name = key ? (key[1] ?? key[2] ?? key[3]) : undefined;
    message =
      name !== undefined
        ? `duplicate key ${JSON.stringify(name)} in this map: each key may appear once`
        : 'duplicate key in this map: each key may appear once';
  }
  const flowVariable = !isJson && /[[{][^\n]*\$\{/.test(wholeLine.slice(0, 2000));
  return {
    stage: 'load',
    file: loc.file,
    ...position(loc, at),
    message,
    ...(flowVariable ? { hint: 'inside [ ] or { }, quote ${VAR} references: ["${SUBNET_A}"]' } : {}),
  };
}

function identify(raw: unknown, jsonKind: ResourceKind | undefined): Omit<InvalidResource, 'source'> {
  if (jsonKind?.plainJson) {
    const json: PlainJsonFile = jsonKind.plainJson;
    const name = stringAt(raw, json.nameField) ?? (json.wrapper !== undefined ? stringAt(raw, json.wrapper, json.nameField) : undefined);
    return { kind: jsonKind.name, ...(name ? { name } : {}) };
  }
  const id: Omit<InvalidResource, 'source'> = {};
  const kind = stringAt(raw, 'kind');
  const name = stringAt(raw, 'metadata', 'name');
  const region = stringAt(raw, 'metadata', 'region');
  const cluster = stringAt(raw, 'metadata', 'cluster');
  if (kind) id.kind = kind;
  if (name) id.name = name;
  if (region) id.region = region;
  if (cluster) id.cluster = cluster;
  return id;
}

function toDesired(data: Record<string, unknown>, jsonKind: ResourceKind | undefined, ctx: ParseContext, source: SourceLocation): DesiredResource {
  if (jsonKind?.plainJson) {
    const { [jsonKind.plainJson.nameField]: name, ...spec } = data;
    return { kind: jsonKind.name, name: String(name), region: ctx.defaultRegion, annotations: {}, spec, source };
  }
  const metadata = data.metadata as { name: string; region?: string; cluster?: string; annotations?: Record<string, string> };
  const resource: DesiredResource = {
    kind: data.kind as Kind,
    name: metadata.name,
    region: metadata.region ?? ctx.defaultRegion,
    annotations: metadata.annotations ?? {},
    spec: (data.spec ?? {}) as Record<string, unknown>,
    source,
  };
  if (metadata.cluster !== undefined) {
    resource.cluster = clusterNameOf(metadata.cluster);
    if (resource.cluster !== metadata.cluster) resource.externalCluster = true;
  }
  return resource;
}

/** A value that contains itself (through an alias inside its own anchor). */
function isCyclic(value: unknown, ancestors: Set<object> = new Set()): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  for (const child of Object.values(value)) if (isCyclic(child, ancestors)) return true;
  ancestors.delete(value);
  return false;
}
