/**
 * Finds and reads manifest files (the I/O edge of loading). Hidden folders (`.git`)
 * are skipped; symlinks are followed only while they stay inside the folder; a file
 * over the size limit, or not UTF-8 text, is refused with a problem naming it.
 */
import { hash } from 'node:crypto';
import { type Dirent, type Stats, statSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../model/problem.js';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface ManifestFile {
  /** relative to the root, forward slashes */
  file: string;
  text: string;
  /** textDigest(text), when read for the daemon (FileTexts) */
  digest?: string;
}

/** A file the daemon's FileTexts knows unchanged since its last read: not read again, so no text; its parse is the one cached. */
export interface UnchangedManifestFile {
  file: string;
  digest: string;
  text?: undefined;
}

export interface ReadResult<F = ManifestFile> {
  files: F[];
  problems: Problem[];
}

/** What the parse cache knows a file's text by (SHA-256): the daemon holds this, not the text. */
export function textDigest(text: string): string {
  return hash('sha256', text, 'base64');
}

function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The daemon's memory of file texts between passes: a file whose stat (inode, size, mtime
 * and ctime in nanoseconds) is what it was is not read again. As git's index does, a file
 * modified less than RACY_MS before it was read is read again next time (a second write
 * within the same timestamp tick would otherwise go unseen). Keeps the files of the last
 * read only (bounded by the folder), and of each its text's digest, not the text: the
 * parse cache has what was made of it (at 10,000 services the texts were 13 MB of the
 * daemon's heap, held between passes for nothing: issue 19).
 */
export class FileTexts {
  private entries = new Map<string, { signature: string; digest: string }>();
  private next = new Map<string, { signature: string; digest: string }>();
  /** files read from disk and files whose text was reused, in the last read (tests) */
  readonly counts = { read: 0, reused: 0 };

  lookup(abs: string, signature: string): string | undefined {
    const e = this.entries.get(abs);
    if (!e || e.signature !== signature) return undefined;
    this.next.set(abs, e);
    return e.digest;
  }

  remember(abs: string, signature: string, digest: string, mtimeNs: bigint, readAtNs: bigint): void {
    // modified within RACY_MS of the read: not trusted next time
    if (readAtNs - mtimeNs > RACY_NS) this.next.set(abs, { signature, digest });
  }

  /** Every file is read again next time (the parse cache let go of what was made of them). */
  clear(): void {
    this.entries = new Map();
    this.next = new Map();
  }

  /** Called once a folder read is over: only its files are kept. */
  endRead(): void {
    this.entries = this.next;
    this.next = new Map();
  }
}
const RACY_NS = 1_000_000_000n;

export function readManifestFiles(dir: string, opts: { maxFileBytes?: number; texts: FileTexts }): Promise<ReadResult<ManifestFile | UnchangedManifestFile>>;
export function readManifestFiles(dir: string, opts?: { maxFileBytes?: number }): Promise<ReadResult>;
export async function readManifestFiles(
  dir: string,
  opts: { maxFileBytes?: number; texts?: FileTexts } = {},
): Promise<ReadResult<ManifestFile | UnchangedManifestFile>> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const texts = opts.texts;
  if (texts) {
    texts.counts.read = 0;
    texts.counts.reused = 0;
  }
  const problems: Problem[] = [];
  const files: Array<ManifestFile | UnchangedManifestFile> = [];
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    problems.push({ stage: 'load', file: dir, message: `cannot read the manifests folder: ${describeFsError(err)}` });
    return { files, problems };
  }
  /** real path of every folder read, and the name it was read under */
  const seenDirs = new Map<string, string>();
  /** symlinked folders, read after the real tree so a folder is named by its own path */
  const linkedDirs: Array<{ target: string; shown: string; from: string }> = [];

  async function walk(absDir: string, shownDir: string): Promise<void> {
    seenDirs.set(absDir, shownDir || '.');
    let entries: Dirent[];
    try {
      entries = await readdir(absDir, { withFileTypes: true });
    } catch (err) {
      problems.push({ stage: 'load', file: shownDir || '.', message: `cannot read folder: ${describeFsError(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        // Hidden folders (.git, .github) are not manifests; a hidden file named like one
        // is skipped too, but said, so that the load is incomplete and nothing it describes is pruned.
        if (!entry.isDirectory() && MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
          problems.push({
            stage: 'load',
            file: shownDir ? `${shownDir}/${entry.name}` : entry.name,
            line: 1,
            column: 1,
            message: 'hidden file (its name starts with "."): skipped; rename it to load it, or move it out of the manifests folder',
          });
        }
        continue;
      }
      const abs = path.join(absDir, entry.name);
      const shown = shownDir ? `${shownDir}/${entry.name}` : entry.name;
      let target = abs;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          target = await realpath(abs);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ELOOP')
            problems.push({ stage: 'load', file: shown, line: 1, column: 1, message: 'symlink loop: the link resolves to itself, never to a file or folder' });
          else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
            problems.push({ stage: 'load', file: shown, line: 1, column: 1, message: `broken symlink: ${describeFsError(err)}` });
          }
          continue;
        }
        if (!isInside(root, target)) {
          problems.push({ stage: 'load', file: shown, line: 1, column: 1, message: `symlink points outside the manifests folder (to ${target}): refused` });
          continue;
        }
        let st: Stats;
        try {
          st = await stat(target);
        } catch (err) {
          problems.push({ stage: 'load', file: shown, line: 1, column: 1, message: `cannot read symlink target: ${describeFsError(err)}` });
          continue;
        }
        if (st.isDirectory()) {
          linkedDirs.push({ target, shown, from: absDir });
          continue;
        }
        isDir = false;
        isFile = st.isFile();
      }
      if (isDir) {
        await walk(abs, shown);
        continue;
      }
      if (!MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) continue;
      if (!isFile) {
        // a FIFO would block the read for ever; a socket or device is no manifest: said, never silent
        problems.push({ stage: 'load', file: shown, line: 1, column: 1, message: `not a regular file (${await specialKind(target)}): skipped` });
        continue;
      }
      const read = await readOneFile(target, shown, maxBytes, texts);
      if ('problem' in read) problems.push(read.problem);
      else files.push(read.file);
    }
  }

  await walk(root, '');
  // Symlinked folders last: one that points at a folder already read (its own parent,
  // say) would read it twice, or forever.
  for (let i = 0; i < linkedDirs.length; i++) {
    const link = linkedDirs[i]!;
    const already = seenDirs.get(link.target);
    if (already !== undefined) {
      const ancestor = isInside(link.target, link.from);
      problems.push({
        stage: 'load',
        file: link.shown,
        line: 1,
        column: 1,
        message: ancestor
          ? `symlink loop: the link points to ${already === '.' ? 'the manifests folder' : `"${already}"`}, a folder that contains it: skipped`
          : `symlink to a folder already read as "${already}": skipped (its manifests would be read twice)`,
      });
      continue;
    }
    await walk(link.target, link.shown);
  }
  texts?.endRead();
  return { files, problems };
}

async function specialKind(abs: string): Promise<string> {
  try {
    const st = await stat(abs);
    if (st.isFIFO()) return 'a FIFO';
    if (st.isSocket()) return 'a socket';
    if (st.isCharacterDevice()) return 'a character device';
    if (st.isBlockDevice()) return 'a block device';
  } catch {
    // gone since the folder was read: still not a file we read
  }
  return 'not a file';
}

async function readOneFile(
  abs: string,
  shown: string,
  maxBytes: number,
  texts?: FileTexts,
): Promise<{ file: ManifestFile | UnchangedManifestFile } | { problem: Problem }> {
  try {
    // Synchronous on purpose: a daemon pass stats every file to find the few that changed, and
    // at 10,000 files the promise API's round trip through the thread pool costs about 0.3 s of
    // CPU a pass against 0.05 s (issue 19's warm pass); a stat is microseconds, never a wait.
    const st = statSync(abs, { bigint: true });
    const signature = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const known = texts?.lookup(abs, signature);
    if (known !== undefined) {
      texts!.counts.reused++;
      return { file: { file: shown, digest: known } };
    }
    if (st.size > BigInt(maxBytes)) {
      return {
        problem: {
          stage: 'load',
          file: shown,
          line: 1,
          column: 1,
          message: `file is ${formatBytes(Number(st.size))}, over the ${formatBytes(maxBytes)} limit: refused`,
        },
      };
    }
    // the wall clock, as mtime is: how long the file had been as it is when it was read
    const readAtNs = BigInt(Date.now()) * 1_000_000n;
    const bytes = await readFile(abs);
    if (bytes.length > maxBytes) {
      return {
        problem: {
          stage: 'load',
          file: shown,
          line: 1,
          column: 1,
          message: `file is ${formatBytes(bytes.length)}, over the ${formatBytes(maxBytes)} limit: refused`,
        },
      };
    }
    const decoded = decodeManifestBytes(bytes);
    if ('error' in decoded) return { problem: { stage: 'load', file: shown, line: decoded.line, column: decoded.column, message: decoded.error } };
    if (texts) {
      texts.counts.read++;
      const digest = textDigest(decoded.text);
      texts.remember(abs, signature, digest, st.mtimeNs, readAtNs);
      return { file: { file: shown, text: decoded.text, digest } };
    }
    return { file: { file: shown, text: decoded.text } };
  } catch (err) {
    return { problem: { stage: 'load', file: shown, line: 1, column: 1, message: `cannot read file: ${describeFsError(err)}` } };
  }
}

/** Pure: bytes to text, refusing binary content and invalid UTF-8 with a location. */
export function decodeManifestBytes(bytes: Uint8Array): { text: string } | { error: string; line: number; column: number } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { error: 'file is UTF-16 encoded: manifests must be UTF-8 text (re-save it as UTF-8)', line: 1, column: 1 };
  }
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3; // UTF-8 BOM
  const body = bytes.subarray(start);
  const nul = body.indexOf(0);
  if (nul >= 0) {
    const { line, column } = positionOfByte(body, nul);
    return { error: 'binary file (contains a NUL byte): not a manifest', line, column };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    const bad = firstInvalidUtf8(body);
    const { line, column } = positionOfByte(body, bad);
    return { error: `invalid UTF-8 at byte ${bad + start}: manifests must be UTF-8 text`, line, column };
  }
}

function positionOfByte(bytes: Uint8Array, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const n = b[i + k];
      if (n === undefined || (n & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return Math.max(0, b.length - 1);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return 'no such file or folder';
  if (e && e.code === 'EACCES') return 'permission denied';
  if (e && e.code === 'ENOTDIR') return 'not a folder';
  return e instanceof Error ? e.message : String(err);
}
