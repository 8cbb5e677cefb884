/**
 * The daemon's memory of recent passes: the last N in memory and, with --state-dir,
 * a JSON Lines file (the state store, src/state/) that a restart reads back. The file
 * is appended to each pass and rewritten atomically, from the N kept in memory, once
 * it holds twice N lines or `maxBytes` bytes; a corrupt file is read as empty, with a
 * warning.
 */
import path from 'node:path';
import { RESOURCE_STATES } from '../diff/types.js';
import { emptyRecord } from '../model/own-keys.js';
import type { PassHistory, PassRecord } from '../report/history.js';
import { JsonLinesStore } from '../state/json-lines-store.js';

/**
 * In memory a resource's states are one byte a kept pass (its state's place in
 * RESOURCE_STATES, 0 when absent), not a map of every resource a pass: at 10,000
 * services (20,010 resources) the 100 passes kept were 76 MB of maps (issue 19: the
 * daemon's heap grew by 0.8 MB a pass until the 100th). The bytes are rows of one matrix,
 * a row a resource: a Uint8Array each was 6.6 MB at 10,000 services, the typed array and
 * its buffer weighing more than its 101 bytes.
 */
type State = PassRecord['states'][string];

/** A pass record is small (states by resource id); a file past this has something else in it. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const CODE_OF = new Map<string, number>(RESOURCE_STATES.map((s, i) => [s, i + 1]));

function parsePassRecord(value: unknown): PassRecord | undefined {
  const r = value as Partial<PassRecord> | null;
  return r && typeof r === 'object' && typeof r.at === 'string' && r.states && typeof r.states === 'object' ? (r as PassRecord) : undefined;
}

export class HistoryStore implements PassHistory {
  /** the kept passes, oldest first, without their states */
  private kept: Array<Omit<PassRecord, 'states'>> = [];
  /** by resource id: its row of `codes` */
  private readonly rows = new Map<string, number>();
  /** rows let go (a resource absent from every kept pass), for the next resource */
  private freeRows: number[] = [];
  /** `width` bytes a row: a resource's state in each kept pass, oldest first (0: absent) */
  private codes = new Uint8Array(0);
  private readonly width: number;
  private readonly store: JsonLinesStore<PassRecord> | undefined;

  constructor(
    private readonly size: number,
    stateDir?: string,
    opts: { maxBytes?: number; onWarning?: (message: string) => void } = {},
  ) {
    this.width = Math.max(1, size) + 1;
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
    for (const r of records.slice(-this.size)) this.add(r);
    if (this.store.overBound || corruptLines) this.store.rewrite(() => this.records());
    return this.kept.length;
  }

  get passes(): ReadonlyArray<Omit<PassRecord, 'states'>> {
    return this.kept;
  }

  statesOf(id: string): ReadonlyArray<State | undefined> {
    const row = this.rows.get(id);
    const at = row === undefined ? -1 : row * this.width;
    return this.kept.map((_, i) => (at < 0 ? undefined : stateOf(this.codes[at + i]!)));
  }

  /** The kept passes as records (tests): made on request. */
  get all(): readonly PassRecord[] {
    return [...this.records()];
  }

  /** The kept passes as records, oldest first, each made when it is reached (the file's rewrite holds one at a time). */
  *records(): Generator<PassRecord> {
    for (let i = 0; i < this.kept.length; i++) {
      const states = emptyRecord<State>();
      for (const [id, row] of this.rows) {
        const state = stateOf(this.codes[row * this.width + i]!);
        if (state) states[id] = state;
      }
      yield { ...this.kept[i]!, states };
    }
  }

  get lastPass(): number {
    return this.kept.at(-1)?.pass ?? 0;
  }

  async append(record: PassRecord): Promise<void> {
    this.add(record);
    this.store?.append(record, () => this.records());
  }

  private rowOf(id: string): number {
    let row = this.rows.get(id);
    if (row !== undefined) return row;
    row = this.freeRows.pop() ?? this.rows.size;
    if ((row + 1) * this.width > this.codes.length) {
      // grown by half again: an estate's resources come in one pass, a few at a time after
      const grown = new Uint8Array(Math.max((row + 1) * this.width, Math.ceil((this.codes.length * 3) / 2 / this.width) * this.width));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.rows.set(id, row);
    return row;
  }

  private add(record: PassRecord): void {
    const { states, ...meta } = record;
    const at = this.kept.length;
    this.kept.push(meta);
    for (const [id, state] of Object.entries(states)) {
      const code = CODE_OF.get(state);
      if (!code) continue;
      const row = this.rowOf(id); // before `this.codes` is read: it may grow the matrix
      this.codes[row * this.width + at] = code;
    }
    const drop = this.kept.length - this.size;
    if (drop <= 0) return;
    this.kept.splice(0, drop);
    for (const [id, row] of this.rows) {
      const start = row * this.width;
      const codes = this.codes.subarray(start, start + this.width);
      codes.copyWithin(0, drop);
      codes.fill(0, this.width - drop);
      if (codes.every((c) => c === 0)) {
        this.rows.delete(id);
        this.freeRows.push(row);
      }
    }
  }
}

function stateOf(code: number): State | undefined {
  return code ? (RESOURCE_STATES[code - 1] as State) : undefined;
}
