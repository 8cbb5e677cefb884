/**
 * The one store for the files the controller keeps under --state-dir (the pass
 * history, the revision cache): JSON Lines, appended one record at a time, and
 * rewritten whole only atomically (a temporary file in the same folder, fsync, rename,
 * fsync of the folder), so a crash at any point leaves either the old file or the new
 * one, never half of one. The file is bounded: once it holds more than `maxLines` lines
 * or `maxBytes` bytes it is rewritten from what its owner keeps in memory. A file that
 * cannot be read or parsed is read as empty (or without its torn lines) with a warning:
 * the state is a cache of what AWS and the last passes said, and a daemon that refused
 * to start over it would be worse than one that reads AWS again.
 *
 * Files are 0600 in a 0700 folder: the revision cache holds task definitions
 * (environment values among them), the history resource names.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface JsonLinesStoreOptions<T> {
  /** a line's record, or undefined when the line is not one (skipped, counted as corrupt) */
  parse: (value: unknown) => T | undefined;
  /** the file is rewritten once it has more lines than this */
  maxLines: number;
  /** ... or more bytes than this */
  maxBytes?: number;
  /** a corrupt or unreadable file: said once, never thrown */
  onWarning?: (message: string) => void;
}

export interface JsonLinesRead<T> {
  records: T[];
  /** lines that were not JSON or not a record (a line torn by a crash mid-append) */
  corruptLines: number;
}

const TEMP_MARK = '.tmp-';

export class JsonLinesStore<T> {
  private lines = 0;
  private bytes = 0;

  constructor(
    readonly file: string,
    private readonly opts: JsonLinesStoreOptions<T>,
  ) {}

  /**
   * Every record of the file, in order. Creates the folder (0700), narrows a file others
   * could read to 0600, and removes a temporary file a crash left behind mid-rewrite.
   */
  read(): JsonLinesRead<T> {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.removeStaleTemporaries(dir);
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
      if ((fs.statSync(this.file).mode & 0o077) !== 0) fs.chmodSync(this.file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`${this.file} cannot be read (${(err as Error).message}); starting from an empty state`);
      text = '';
    }
    const records: T[] = [];
    let corruptLines = 0;
    let lines = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      lines++;
      let record: T | undefined;
      try {
        record = this.opts.parse(JSON.parse(line));
      } catch {
        record = undefined;
      }
      if (record === undefined) corruptLines++;
      else records.push(record);
    }
    if (corruptLines) this.warn(`${this.file}: ${corruptLines} line(s) are not records (torn by a crash, or edited) and were skipped`);
    this.lines = lines;
    this.bytes = Buffer.byteLength(text);
    return { records, corruptLines };
  }

  /**
   * Appends one record; when the file has grown past its bound, rewrites it from `kept()`
   * instead (called afresh for each walk over the records: see rewrite).
   */
  append(record: T, kept: () => Iterable<T>): void {
    const line = `${JSON.stringify(record)}\n`;
    if (this.lines + 1 > this.opts.maxLines || (this.opts.maxBytes !== undefined && this.bytes + Buffer.byteLength(line) > this.opts.maxBytes)) {
      this.rewrite(kept);
      return;
    }
    fs.appendFileSync(this.file, line, { mode: 0o600 });
    this.lines++;
    this.bytes += Buffer.byteLength(line);
  }

  /** Whether the file read last holds more than its bound allows (its owner compacts at start). */
  get overBound(): boolean {
    return this.lines > this.opts.maxLines || (this.opts.maxBytes !== undefined && this.bytes > this.opts.maxBytes);
  }

  get lineCount(): number {
    return this.lines;
  }

  /**
   * Replaces the file with these records, atomically: the temporary file is written and
   * fsynced in the same folder (rename is atomic only within one file system), renamed
   * over the file, and the folder fsynced so the rename itself survives a power cut.
   * Past `maxBytes`, the oldest records are dropped down to half of it, so the result
   * is in bounds with room to append.
   *
   * One line in memory at a time: given a function, the records are walked twice (their
   * sizes, then the lines kept), each made, written and let go. The pass history at
   * 10,000 services is 100 records of 20,010 states each: made all at once and joined,
   * it was a ~100 MB string on top of the records (issue 19).
   */
  rewrite(records: Iterable<T> | (() => Iterable<T>)): void {
    const walk = typeof records === 'function' ? records : () => records;
    const sizes: number[] = [];
    for (const r of walk()) sizes.push(Buffer.byteLength(`${JSON.stringify(r)}\n`));
    let first = Math.max(0, sizes.length - this.opts.maxLines);
    let total = 0;
    for (let i = first; i < sizes.length; i++) total += sizes[i]!;
    if (this.opts.maxBytes !== undefined && total > this.opts.maxBytes) {
      // down to half the bound, so the appends that follow have room: a file kept just
      // under its bound would be rewritten on every append
      const target = this.opts.maxBytes / 2;
      while (total > target && first < sizes.length) total -= sizes[first++]!;
    }
    const dir = path.dirname(this.file);
    const temporary = path.join(dir, `.${path.basename(this.file)}${TEMP_MARK}${process.pid}-${Date.now()}`);
    const fd = fs.openSync(temporary, 'w', 0o600);
    try {
      let i = 0;
      for (const r of walk()) if (i++ >= first) writeAll(fd, Buffer.from(`${JSON.stringify(r)}\n`));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(temporary, this.file);
    } catch (err) {
      fs.rmSync(temporary, { force: true });
      throw err;
    }
    syncFolder(dir);
    this.lines = sizes.length - first;
    this.bytes = total;
  }

  private removeStaleTemporaries(dir: string): void {
    const prefix = `.${path.basename(this.file)}${TEMP_MARK}`;
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
  }

  private warn(message: string): void {
    if (this.opts.onWarning) this.opts.onWarning(message);
    else process.emitWarning(message, { code: 'ECS_RECONCILER_STATE_FILE' });
  }
}

/** writeSync may write less than it was given: the rest follows. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
}

/** Some file systems refuse to fsync a folder (EINVAL, EISDIR on a few): the rename is done either way. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort: the data file itself was fsynced before the rename
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
