/**
 * Loads a manifests folder into the desired model. One broken file never stops the
 * others; `complete` is false whenever anything failed to load, and prune must then
 * refuse (a broken file must never read as "deleted").
 */
import { readFile } from 'node:fs/promises';
import type { Problem } from '../model/problem.js';
import type { DesiredResource, InvalidResource } from '../model/resource.js';
import { StringPool } from '../model/string-pool.js';
import { describeFsError, FileTexts, type ManifestFile, readManifestFiles, textDigest, type UnchangedManifestFile } from './files.js';
import { parseFilesInParallel } from './parallel-parse.js';
import { type ParsedFile, parseManifestText } from './parse.js';
import { checkReferences } from './references.js';
import { mergeVariables, parseVarFile, parseVarFlag } from './variables.js';

export interface LoadResult {
  resources: DesiredResource[];
  invalid: InvalidResource[];
  problems: Problem[];
  /** what the loader changed on the way in (describe output unwrapped, ...): said, never an error */
  notices: Problem[];
  /** false when any file or document failed to load: prune must refuse */
  complete: boolean;
  fileCount: number;
}

export interface LoadOptions {
  defaultRegion: string;
  vars?: ReadonlyMap<string, string>;
  maxFileBytes?: number;
  /** the daemon's memory of parsed files: an unchanged file is not parsed again */
  cache?: ParseCache;
}

/**
 * A parsed file, by its text's digest and what else its parse read (the region, the
 * variables). The digest, not the text: the texts of 10,000 files were 13 MB of the
 * daemon's heap, kept between passes only to be compared (issue 19).
 */
interface ParseCacheEntry {
  digest: string;
  parsed: ParsedFile;
}

/**
 * Parsed files by path, text, region and variables. A daemon re-reads the folder every
 * pass; re-parsing a thousand unchanged files was most of a quiet pass's CPU and garbage.
 * A file whose stat is unchanged is not even read again (FileTexts): its parse is found by
 * the digest FileTexts kept. Every entry was parsed in one context (region and variables);
 * another context lets go of them all, and of the file stats, so every file is read again.
 */
export class ParseCache {
  private entries = new Map<string, ParseCacheEntry>();
  private context = '';
  /** the files' digests by stat: an unchanged file is not even read again (files.ts) */
  readonly texts = new FileTexts();

  /** Before a load: the entries of another region or other variables are let go, with the file stats. */
  useContext(context: string): void {
    if (context === this.context) return;
    this.context = context;
    this.entries = new Map();
    this.texts.clear();
  }

  get(file: string, digest: string): ParsedFile | undefined {
    const e = this.entries.get(file);
    return e && e.digest === digest ? e.parsed : undefined;
  }

  has(file: string, digest: string): boolean {
    return this.get(file, digest) !== undefined;
  }

  /** Keeps only the files seen in the last load. */
  replace(next: Map<string, ParseCacheEntry>): void {
    this.entries = next;
  }
}

function variablesKey(vars: ReadonlyMap<string, string>): string {
  return JSON.stringify([...vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The key of a load's context in the parse cache: what a parse reads besides the text. */
function contextKey(opts: LoadOptions): string {
  return `${opts.defaultRegion}\u0000${variablesKey(opts.vars ?? new Map<string, string>())}`;
}

/**
 * Pure: the files' texts to the desired model. `preParsed` holds files already parsed (in
 * other threads), in file order. A file without its text (unchanged since the daemon's
 * last read) is the parse cache's.
 */
export function loadManifestTexts(
  files: ReadonlyArray<ManifestFile | UnchangedManifestFile>,
  opts: LoadOptions,
  readProblems: readonly Problem[] = [],
  preParsed?: readonly ParsedFile[],
): LoadResult {
  // one pool of values a load: its files' equal values are one string, and nothing is kept after it
  const ctx = { vars: opts.vars ?? new Map<string, string>(), defaultRegion: opts.defaultRegion, values: new StringPool() };
  const problems: Problem[] = [...readProblems];
  const notices: Problem[] = [];
  const invalid: InvalidResource[] = readProblems.filter((p) => p.file).map((p) => ({ source: { file: p.file!, line: p.line ?? 1, column: p.column ?? 1 } }));
  const all: DesiredResource[] = [];
  opts.cache?.useContext(contextKey(opts));
  const seen = new Map<string, ParseCacheEntry>();
  files.forEach((f, i) => {
    // the parsed model is shared with the cache: nothing downstream mutates it
    const digest = opts.cache ? (f.digest ?? textDigest(f.text!)) : undefined;
    const cached = digest === undefined ? undefined : opts.cache!.get(f.file, digest);
    if (f.text === undefined && !cached) throw new Error(`${f.file}: not read again as unchanged, yet its parse is not cached`);
    const parsed = preParsed?.[i] ?? cached ?? parseManifestText(f.file, f.text!, ctx);
    if (digest !== undefined) seen.set(f.file, { digest, parsed });
    all.push(...parsed.resources);
    invalid.push(...parsed.invalid);
    problems.push(...parsed.problems);
    notices.push(...(parsed.notices ?? []));
  });
  opts.cache?.replace(seen);
  const refs = checkReferences(all, invalid, opts.defaultRegion);
  problems.push(...refs.problems);
  invalid.push(...refs.rejected);
  problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return {
    resources: refs.kept,
    invalid,
    problems,
    notices,
    complete: problems.length === 0,
    fileCount: files.length + readProblems.filter((p) => p.file).length,
  };
}

export async function loadManifests(dir: string, opts: LoadOptions): Promise<LoadResult> {
  const maxFileBytes = opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {};
  const cache = opts.cache;
  if (!cache) {
    const read = await readManifestFiles(dir, maxFileBytes);
    // a first load of a big folder parses on every core; the daemon's later passes hit the cache
    const preParsed = await parseFilesInParallel(read.files, { vars: opts.vars ?? new Map(), defaultRegion: opts.defaultRegion, values: new StringPool() });
    return loadManifestTexts(read.files, opts, read.problems, preParsed);
  }
  cache.useContext(contextKey(opts));
  let read = await readManifestFiles(dir, { ...maxFileBytes, texts: cache.texts });
  // a file unchanged by its stat whose parse the cache does not hold (a load that failed
  // half way): the folder is read again whole, every text with it
  if (read.files.some((f) => f.text === undefined && !cache.has(f.file, f.digest))) {
    cache.texts.clear();
    read = await readManifestFiles(dir, { ...maxFileBytes, texts: cache.texts });
  }
  return loadManifestTexts(read.files, opts, read.problems);
}

export interface VariableSources {
  /** `K=V` from --var, in order */
  flags?: readonly string[];
  /** paths from --var-file, in order */
  files?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** --var-env-prefix: ECSR_VAR_IMAGE_TAG in the environment is ${IMAGE_TAG} */
  envPrefixes?: readonly string[];
  /** --var-env: environment variables readable under their own name */
  envNames?: readonly string[];
}

/**
 * Environment (only what --var-env and --var-env-prefix allow), then --var-file files,
 * then --var flags: later wins. The environment is never read whole: a manifest comes
 * from whoever can open a pull request, and the controller's environment holds its
 * credentials (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN), which a `${VAR}` in a tag would
 * print into the plan comment and write into ECS (Flux's post-build substitution takes
 * only the variables it was given, for the same reason).
 */
export async function collectVariables(src: VariableSources): Promise<{ vars: Map<string, string>; problems: Problem[] }> {
  const problems: Problem[] = [];
  const envPairs = allowedEnvironment(src.env ?? {}, src.envPrefixes ?? [], src.envNames ?? [], problems);
  const filePairs: Array<[string, string]> = [];
  for (const file of src.files ?? []) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push({ stage: 'load', file, message: `cannot read --var-file: ${describeFsError(err)}` });
      continue;
    }
    const parsed = parseVarFile(text);
    for (const p of parsed.problems) problems.push({ stage: 'load', file, line: p.line, column: 1, message: p.message });
    filePairs.push(...parsed.vars);
  }
  const flagPairs: Array<[string, string]> = [];
  for (const flag of src.flags ?? []) {
    const pair = parseVarFlag(flag);
    if (pair) flagPairs.push(pair);
    else problems.push({ stage: 'load', message: `--var ${JSON.stringify(flag)}: expected NAME=value` });
  }
  return { vars: mergeVariables(envPairs, filePairs, flagPairs), problems };
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment variables a manifest may read: named by --var-env, or under a --var-env-prefix (prefix stripped). */
function allowedEnvironment(env: NodeJS.ProcessEnv, prefixes: readonly string[], names: readonly string[], problems: Problem[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const prefix of prefixes) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
      problems.push({ stage: 'load', message: `--var-env-prefix ${JSON.stringify(prefix)}: expected the start of a variable name, e.g. ECSR_VAR_` });
      continue;
    }
    for (const [key, value] of Object.entries(env)) {
      if (typeof value !== 'string' || !key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length);
      if (VARIABLE_NAME.test(name)) out.push([name, value]);
    }
  }
  for (const name of names) {
    if (!VARIABLE_NAME.test(name)) {
      problems.push({ stage: 'load', message: `--var-env ${JSON.stringify(name)}: expected a variable name` });
      continue;
    }
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (typeof value === 'string') out.push([name, value]);
  }
  return out;
}
