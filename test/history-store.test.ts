import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../src/aws/index.js';
import { HistoryStore } from '../src/daemon/history-store.js';
import { annotateHistory, type PassRecord, passRecordOf } from '../src/report/history.js';
import type { Report } from '../src/report/index.js';
import { mulberry32 } from './seeded-random.js';

describe('the state files', () => {
  it('history.jsonl keeps the last N passes, skips a torn line, and is compacted when it has grown far past N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ pass: i + 1, at: `2026-11-26T00:00:${String(i % 60).padStart(2, '0')}Z`, states: {} }));
    writeFileSync(join(dir, 'history.jsonl'), `${lines.join('\n')}\n{"pass": 61, "at": "2026-11-2`);
    const store = new HistoryStore(5, dir);
    expect(await store.load()).toBe(5);
    expect(store.lastPass).toBe(60);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    await store.append({ pass: 61, at: 'now', states: {} });
    expect(store.all.map((r) => r.pass)).toEqual([57, 58, 59, 60, 61]);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it('revisions.jsonl brings the revision cache back after a restart, the last line of an ARN winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revisions-'));
    const file = join(dir, 'revisions.jsonl');
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
    const first = new TaskDefinitionCache();
    first.persistTo(file);
    first.set({ taskDefinition: { taskDefinitionArn: arn, family: 'web' }, tags: { a: '1' } });
    first.updateTags(arn, { a: '2' });
    const second = new TaskDefinitionCache();
    expect(second.persistTo(file)).toBe(1);
    expect(second.get(arn)?.tags).toEqual({ a: '2' });
  });
});

describe('the history in memory (issue 19: compact, one character a pass and resource)', () => {
  it('annotates a report as the pass records it was given would, over random passes (seeded), and keeps the last N only', async () => {
    const random = mulberry32(19);
    const ids = ['Service/r/c/a', 'Service/r/c/b', 'TaskDefinition/r/a', 'Cluster/r/c', 'constructor'];
    const states = ['in-sync', 'drifted', 'pending', 'missing'] as const;
    const store = new HistoryStore(10);
    const records: PassRecord[] = [];
    const reportOf = (pass: number): Report =>
      ({
        generatedAt: `2026-12-01T00:00:${String(pass).padStart(2, '0')}Z`,
        resources: ids.filter(() => random() < 0.8).map((id) => ({ id, state: states[Math.floor(random() * states.length)]! })),
      }) as unknown as Report;
    for (let pass = 1; pass <= 40; pass++) {
      const report = reportOf(pass);
      expect(annotateHistory(report, store)).toEqual(annotateHistory(report, records.slice(-10)));
      const record = passRecordOf(report, pass);
      records.push(record);
      await store.append(record);
      expect(store.all).toEqual(records.slice(-10));
    }
    expect(store.passes).toHaveLength(10);
    expect(store.lastPass).toBe(40);
  });

  it('a resource gone from every kept pass lets go of its states, and one that comes later starts with none of them', async () => {
    const store = new HistoryStore(3);
    const records: PassRecord[] = [];
    const generation = (name: string, n: number) => Array.from({ length: n }, (_, i) => `Service/r/c/${name}-${i}`);
    // three estates in turn, each longer than the kept passes: the first's rows are let go and taken by the second
    const estates = [generation('old', 40), generation('new', 60), [...generation('old', 10), ...generation('third', 70)]];
    let pass = 0;
    for (const ids of estates)
      for (let k = 0; k < 5; k++) {
        pass++;
        const record: PassRecord = {
          pass,
          at: `2026-12-01T00:00:${String(pass).padStart(2, '0')}Z`,
          states: Object.fromEntries(ids.map((id, i) => [id, (i + k) % 3 ? 'in-sync' : 'drifted'])),
        };
        records.push(record);
        await store.append(record);
        expect(store.all).toEqual(records.slice(-3));
        for (const id of [...estates.flat(), 'Service/r/c/never']) expect(store.statesOf(id)).toEqual(records.slice(-3).map((r) => r.states[id]));
      }
  });
});
