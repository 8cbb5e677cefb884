// The revision cache is bounded (issue 13, 10): the revisions used least recently go
// first, and the state file is rewritten before it grows past twice the bound.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REVISION_CACHE_SIZE, TaskDefinitionCache } from '../src/aws/index.js';

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`;
const entry = (n: number) => ({ taskDefinition: { taskDefinitionArn: arn(n), family: 'web', revision: n }, tags: {} });

describe('the revision cache', () => {
  it('has a default bound', () => {
    expect(new TaskDefinitionCache().maxEntries).toBe(DEFAULT_REVISION_CACHE_SIZE);
  });

  it('a day of CI registrations never holds more than the bound', () => {
    const cache = new TaskDefinitionCache(100);
    for (let n = 1; n <= 10_000; n++) cache.set(entry(n));
    expect(cache.size).toBe(100);
    expect(cache.get(arn(1))).toBeUndefined();
    expect(cache.get(arn(10_000))?.taskDefinition.revision).toBe(10_000);
  });

  it('evicts the revision used least recently, not the one read first', () => {
    const cache = new TaskDefinitionCache(3);
    cache.set(entry(1));
    cache.set(entry(2));
    cache.set(entry(3));
    cache.get(arn(1)); // a service still runs revision 1: read every pass
    cache.set(entry(4));
    expect(cache.get(arn(2))).toBeUndefined();
    expect(cache.get(arn(1))).toBeDefined();
    expect(cache.get(arn(3))).toBeDefined();
    expect(cache.get(arn(4))).toBeDefined();
  });

  it('the state file stays within twice the bound, and a restart reads back the newest', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'revisions-')), 'revisions.jsonl');
    const cache = new TaskDefinitionCache(50);
    cache.persistTo(file);
    for (let n = 1; n <= 1000; n++) cache.set(entry(n));
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(100);
    const restarted = new TaskDefinitionCache(50);
    expect(restarted.persistTo(file)).toBe(50);
    expect(restarted.get(arn(1000))).toBeDefined();
    expect(restarted.get(arn(900))).toBeUndefined();
  });

  it('a deregistered revision stays cached as INACTIVE, and a restart reads it back so', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'revisions-')), 'revisions.jsonl');
    const cache = new TaskDefinitionCache(10);
    cache.persistTo(file);
    cache.set({ taskDefinition: { ...entry(1).taskDefinition, status: 'ACTIVE' }, tags: {} });
    cache.markDeregistered(arn(1));
    expect(cache.get(arn(1))?.taskDefinition.status).toBe('INACTIVE');
    const restarted = new TaskDefinitionCache(10);
    restarted.persistTo(file);
    expect(restarted.get(arn(1))?.taskDefinition.status).toBe('INACTIVE');
  });
});
