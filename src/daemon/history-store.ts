/**
 * The daemon's memory of recent passes: the last N in memory and, with --state-dir,
 * an append-only JSON Lines file that a restart reads back.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PassRecord } from '../report/history.js';
import { restrictToOwner } from './redaction-key.js';

export class HistoryStore {
  private records: PassRecord[] = [];
  private readonly file: string | undefined;

  constructor(private readonly size: number, stateDir?: string) {
    this.file = stateDir ? path.join(stateDir, 'history.jsonl') : undefined;
  }

  /** Reads the file's last N records (a torn last line, from a crash mid-write, is skipped). */
  async load(): Promise<number> {
    if (!this.file) return 0;
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await restrictToOwner(this.file);
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const parsed: PassRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as PassRecord;
        if (r && typeof r.at === 'string' && r.states) parsed.push(r);
      } catch {
        // a torn line: skipped
      }
    }
    this.records = parsed.slice(-this.size);
    // append-only between starts; compacted at start once it holds far more than it keeps
    if (parsed.length > this.size * 10) await writeFile(this.file, this.records.map((r) => JSON.stringify(r) + '\n').join(''), { mode: 0o600 });
    return this.records.length;
  }

  get all(): readonly PassRecord[] {
    return this.records;
  }

  get lastPass(): number {
    return this.records.at(-1)?.pass ?? 0;
  }

  async append(record: PassRecord): Promise<void> {
    this.records.push(record);
    if (this.records.length > this.size) this.records.splice(0, this.records.length - this.size);
    if (this.file) await appendFile(this.file, JSON.stringify(record) + '\n', { mode: 0o600 });
  }
}
