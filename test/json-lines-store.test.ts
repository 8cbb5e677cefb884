// The state store (src/state/json-lines-store.ts): rewrites are atomic, files are
// bounded, and a corrupt file is read as empty with a warning, never a crash.
import fs, { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskDefinitionCache } from '../src/aws/index.js';
import { HistoryStore } from '../src/daemon/history-store.js';
import { JsonLinesStore } from '../src/state/json-lines-store.js';

interface Row {
  n: number;
}
const parse = (v: unknown): Row | undefined => (v && typeof (v as Row).n === 'number' ? (v as Row) : undefined);
const scratch = () => mkdtempSync(join(tmpdir(), 'ecsr-store-'));
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the JSON Lines state store', () => {
  it('a crash between writing the temporary file and the rename leaves the old file whole', () => {
    const dir = scratch();
    const file = join(dir, 'rows.jsonl');
    const store = new JsonLinesStore<Row>(file, { parse, maxLines: 10 });
    store.read();
    store.rewrite([{ n: 1 }, { n: 2 }]);
    const before = readFileSync(file, 'utf8');
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('killed before rename'), { code: 'EIO' });
    });
    expect(() => store.rewrite([{ n: 3 }])).toThrow(/killed before rename/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    vi.restoreAllMocks();
    // and the next start reads the old records, and clears what a crash left behind
    writeFileSync(join(dir, '.rows.jsonl.tmp-1-2'), '{"n": 99}\n');
    const again = new JsonLinesStore<Row>(file, { parse, maxLines: 10 });
    expect(again.read().records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(readdirSync(dir)).toEqual(['rows.jsonl']);
  });

  it('writes the new content to a temporary file in the same folder, fsynced, then renames it', () => {
    const dir = scratch();
    const file = join(dir, 'rows.jsonl');
    const store = new JsonLinesStore<Row>(file, { parse, maxLines: 10 });
    store.read();
    const fsync = vi.spyOn(fs, 'fsyncSync');
    const rename = vi.spyOn(fs, 'renameSync');
    store.rewrite([{ n: 1 }]);
    expect(rename).toHaveBeenCalledOnce();
    const [from, to] = rename.mock.calls[0]! as [string, string];
    expect(join(from, '..')).toBe(dir);
    expect(to).toBe(file);
    expect(fsync.mock.invocationCallOrder[0]!).toBeLessThan(rename.mock.invocationCallOrder[0]!);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stays within its bound of lines: past it, an append rewrites the file from what is kept', () => {
    const file = join(scratch(), 'rows.jsonl');
    const store = new JsonLinesStore<Row>(file, { parse, maxLines: 6 });
    store.read();
    const kept: Row[] = [];
    for (let n = 1; n <= 50; n++) {
      kept.push({ n });
      if (kept.length > 3) kept.shift();
      store.append({ n }, () => kept);
      expect(linesOf(file).length).toBeLessThanOrEqual(6);
    }
    expect(
      linesOf(file)
        .map((l) => JSON.parse(l).n)
        .at(-1),
    ).toBe(50);
  });

  it('stays within its bound of bytes, dropping the oldest records first', () => {
    const file = join(scratch(), 'rows.jsonl');
    const store = new JsonLinesStore<Row & { pad: string }>(file, { parse: (v) => v as Row & { pad: string }, maxLines: 1000, maxBytes: 1000 });
    store.read();
    const all: Array<Row & { pad: string }> = [];
    for (let n = 1; n <= 100; n++) {
      const row = { n, pad: 'x'.repeat(80) };
      all.push(row);
      store.append(row, () => all);
      expect(fs.statSync(file).size).toBeLessThanOrEqual(1000);
    }
    expect(JSON.parse(linesOf(file).at(-1)!).n).toBe(100);
  });

  it('a rewrite from a function makes one record at a time: the same file as from the records all at once, never all of them held', () => {
    const dir = scratch();
    const bounds = { parse: (v: unknown) => v as Row & { pad: string }, maxLines: 1000, maxBytes: 1000 };
    const rows = Array.from({ length: 40 }, (_, i) => ({ n: i + 1, pad: 'x'.repeat(80) }));
    const whole = new JsonLinesStore<Row & { pad: string }>(join(dir, 'whole.jsonl'), bounds);
    whole.read();
    whole.rewrite(rows);
    // when a record is written (JSON.stringify calls its toJSON), how many of its walk were made after it
    let ahead = 0;
    const streamed = new JsonLinesStore<Row & { pad: string }>(join(dir, 'streamed.jsonl'), bounds);
    streamed.read();
    streamed.rewrite(function* () {
      let made = 0;
      for (const [i, r] of rows.entries()) {
        made++;
        yield {
          ...r,
          toJSON() {
            ahead = Math.max(ahead, made - i - 1);
            return r;
          },
        };
      }
    });
    expect(readFileSync(join(dir, 'streamed.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'whole.jsonl'), 'utf8'));
    expect(linesOf(join(dir, 'whole.jsonl')).length).toBeLessThan(rows.length);
    expect(ahead).toBe(0);
  });

  it('a corrupt file is read as empty with a warning, never a crash', () => {
    const dir = scratch();
    const file = join(dir, 'rows.jsonl');
    writeFileSync(file, '\u0000\u0001garbage\n{"n": "not a number"}\n[1,2');
    const warnings: string[] = [];
    const store = new JsonLinesStore<Row>(file, { parse, maxLines: 10, onWarning: (m) => warnings.push(m) });
    expect(store.read()).toEqual({ records: [], corruptLines: 3 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/3 line\(s\) are not records/);
  });

  it('a state file that cannot be read at all (a folder in its place) is read as empty with a warning', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'rows.jsonl'));
    const warnings: string[] = [];
    const store = new JsonLinesStore<Row>(join(dir, 'rows.jsonl'), { parse, maxLines: 10, onWarning: (m) => warnings.push(m) });
    expect(store.read().records).toEqual([]);
    expect(warnings[0]).toMatch(/cannot be read/);
  });
});

describe("the controller's state files on the store", () => {
  it('history.jsonl: a corrupt file is read as no history, with a warning, and rewritten clean', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'history.jsonl'), 'not json at all\n{"pass": 1}\n');
    const warnings: string[] = [];
    const history = new HistoryStore(5, dir, { onWarning: (m) => warnings.push(m) });
    expect(await history.load()).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8')).toBe('');
    await history.append({ pass: 1, at: 'now', states: {} });
    expect(await new HistoryStore(5, dir).load()).toBe(1);
  });

  it('history.jsonl never holds more than twice N passes, however long the daemon runs', async () => {
    const dir = scratch();
    const history = new HistoryStore(5, dir);
    await history.load();
    for (let pass = 1; pass <= 200; pass++) {
      await history.append({ pass, at: 'now', states: {} });
      expect(linesOf(join(dir, 'history.jsonl')).length).toBeLessThanOrEqual(10);
    }
    const restarted = new HistoryStore(5, dir);
    await restarted.load();
    expect(restarted.all.map((r) => r.pass)).toEqual([196, 197, 198, 199, 200]);
  });

  it('history.jsonl is bounded by bytes too', async () => {
    const dir = scratch();
    const history = new HistoryStore(1000, dir, { maxBytes: 4096 });
    await history.load();
    const states = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`Service/eu-west-1/prod/svc-${i}`, 'in-sync' as const]));
    for (let pass = 1; pass <= 100; pass++) await history.append({ pass, at: 'now', states });
    expect(fs.statSync(join(dir, 'history.jsonl')).size).toBeLessThanOrEqual(4096);
  });

  it('revisions.jsonl: a corrupt file is read as an empty cache with a warning', () => {
    const dir = scratch();
    const file = join(dir, 'revisions.jsonl');
    writeFileSync(file, '{"taskDefinition": 3}\nnope\n');
    const warnings: string[] = [];
    const cache = new TaskDefinitionCache(10);
    expect(cache.persistTo(file, { onWarning: (m) => warnings.push(m) })).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});
