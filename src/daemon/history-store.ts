/**
 * The daemon's memory of recent passes: the last N in memory and, with --state-dir,
 * a JSON Lines file (the state store, src/state/) that a restart reads back. The file
 * is appended to each pass and rewritten atomically, from the N kept in memory, once
 * it holds twice N lines or `maxBytes` bytes; a corrupt file is read as empty, with a
 * warning.
 */
import path from 'node:path';
import type { PassRecord } from '../report/history.js';
import { JsonLinesStore } from '../state/json-lines-store.js';

/** A pass record is small (states by resource id); a file past this has something else in it. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function parsePassRecord(value: unknown): PassRecord | undefined {
  const r = value as Partial<PassRecord> | null;
  return r && typeof r === 'object' && typeof r.at === 'string' && r.states && typeof r.states === 'object' ? (r as PassRecord) : undefined;
}

export class HistoryStore {
  private records: PassRecord[] = [];
  private readonly store: JsonLinesStore<PassRecord> | undefined;

  constructor(
    private readonly size: number,
    stateDir?: string,
    opts: { maxBytes?: number; onWarning?: (message: string) => void } = {},
  ) {
    this.store = stateDir
      ? new JsonLinesStore(path.join(stateDir, 'history.jsonl'), {
          parse: parsePassRecord,
          maxLines: Math.max(1, size) * 2,
          maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
          ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
        })
      : undefined;
  }

  /** Reads the file's last N records (a torn last line, from a crash mid-write, is skipped). */
  async load(): Promise<number> {
    if (!this.store) return 0;
    const { records, corruptLines } = this.store.read();
    this.records = records.slice(-this.size);
    if (this.store.overBound || corruptLines) this.store.rewrite(this.records);
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
    this.store?.append(record, () => this.records);
  }
}
