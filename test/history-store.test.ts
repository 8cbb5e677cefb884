import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../src/aws/index.js';
import { HistoryStore } from '../src/daemon/history-store.js';

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
