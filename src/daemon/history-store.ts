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
 * services (20,010 resources) the 100 passes kept were 76 MB of maps, these bytes 6.4 MB
 * (issue 19: the daemon's heap grew by 0.8 MB a pass until the 100th).
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
  /** by resource id: its state in each kept pass, oldest first (0: absent) */
  private readonly codes = new Map<string, Uint8Array>();
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
    for (const r of records.slice(-this.size)) this.add(r);
    if (this.store.overBound || corruptLines) this.store.rewrite(this.all);
    return this.kept.length;
  }

  get passes(): ReadonlyArray<Omit<PassRecord, 'states'>> {
    return this.kept;
  }

  statesOf(id: string): ReadonlyArray<State | undefined> {
    const codes = this.codes.get(id);
    return this.kept.map((_, i) => stateOf(codes?.[i] ?? 0));
  }

  /** The kept passes as records (the file's rewrite, tests): made on request. */
  get all(): readonly PassRecord[] {
    return this.kept.map((meta, i) => {
      const states = emptyRecord<State>();
      for (const [id, codes] of this.codes) {
        const state = stateOf(codes[i]!);
        if (state) states[id] = state;
      }
      return { ...meta, states };
    });
  }

  get lastPass(): number {
    return this.kept.at(-1)?.pass ?? 0;
  }

  async append(record: PassRecord): Promise<void> {
    this.add(record);
    this.store?.append(record, () => this.all);
  }

  private add(record: PassRecord): void {
    const { states, ...meta } = record;
    const at = this.kept.length;
    this.kept.push(meta);
    const width = Math.max(1, this.size);
    for (const [id, state] of Object.entries(states)) {
      const code = CODE_OF.get(state);
      if (!code) continue;
      let codes = this.codes.get(id);
      if (!codes) {
        codes = new Uint8Array(width + 1);
        this.codes.set(id, codes);
      }
      codes[at] = code;
    }
    const drop = this.kept.length - this.size;
    if (drop <= 0) return;
    this.kept.splice(0, drop);
    for (const [id, codes] of this.codes) {
      codes.copyWithin(0, drop);
      codes.fill(0, codes.length - drop);
      if (codes.every((c) => c === 0)) this.codes.delete(id);
    }
  }
}

function stateOf(code: number): State | undefined {
  return code ? (RESOURCE_STATES[code - 1] as State) : undefined;
}
