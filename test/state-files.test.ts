// State files (--state-dir) are readable by their owner only and hold no value the
// report masks; the redaction key is made once, 0600, and read back.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskDefinitionCache, type TaskDefinitionWithTags } from '../src/aws/index.js';
import { HistoryStore } from '../src/daemon/history-store.js';
import { loadRedactionKey } from '../src/daemon/redaction-key.js';
import { Redactor } from '../src/report/redact.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const scratch = () => mkdtempSync(join(tmpdir(), 'ecsr-state-'));

function revision(n: number, environment: Array<{ name: string; value: string }>): TaskDefinitionWithTags {
  return {
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${n}`,
      family: 'web',
      revision: n,
      containerDefinitions: [{ name: 'web', image: 'nginx', environment }],
    },
    tags: {},
  };
}

describe('the redaction key', () => {
  it('is made when missing, 0600, and the same key is read back by the next start', async () => {
    const dir = scratch();
    const first = await loadRedactionKey(dir);
    expect(first).toMatchObject({ source: 'state-dir', created: true });
    expect(modeOf(join(dir, 'redaction.key'))).toBe(0o600);
    const second = await loadRedactionKey(dir);
    expect(second).toMatchObject({ source: 'state-dir', created: false });
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('narrows a key file others could read to 0600', async () => {
    const dir = scratch();
    await loadRedactionKey(dir);
    chmodSync(join(dir, 'redaction.key'), 0o644);
    await loadRedactionKey(dir);
    expect(modeOf(join(dir, 'redaction.key'))).toBe(0o600);
  });

  it('without a state dir, is a random key of this process', async () => {
    const a = await loadRedactionKey(undefined);
    const b = await loadRedactionKey(undefined);
    expect(a.source).toBe('process');
    expect(a.key.equals(b.key)).toBe(false);
  });
});

describe('state files', () => {
  it('history.jsonl is written 0600, and an older 0644 one is narrowed', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'history.jsonl'), '');
    chmodSync(join(dir, 'history.jsonl'), 0o644);
    const store = new HistoryStore(10, dir);
    await store.load();
    await store.append({ pass: 1, at: '2025-01-01T00:00:00.000Z', states: {} });
    expect(modeOf(join(dir, 'history.jsonl'))).toBe(0o600);
    const fresh = scratch();
    const other = new HistoryStore(10, fresh);
    await other.load();
    await other.append({ pass: 1, at: '2025-01-01T00:00:00.000Z', states: {} });
    expect(modeOf(join(fresh, 'history.jsonl'))).toBe(0o600);
  });

  it('revisions.jsonl is 0600 and never holds a revision with a value the report masks', () => {
    const dir = scratch();
    const file = join(dir, 'revisions.jsonl');
    // a file from an older release: 0644, with a secret in clear
    writeFileSync(file, `${JSON.stringify(revision(1, [{ name: 'DB_PASSWORD', value: 'planted-old-pw-91' }]))}\n`);
    chmodSync(file, 0o644);
    const redactor = new Redactor();
    const cache = new TaskDefinitionCache();
    expect(cache.persistTo(file, { persistable: (e) => !redactor.masksSomethingIn({ containerDefinitions: e.taskDefinition.containerDefinitions }) })).toBe(1);
    cache.set(revision(2, [{ name: 'API_TOKEN', value: 'planted-new-token-92' }]));
    cache.set(revision(3, [{ name: 'LOG_LEVEL', value: 'info' }]));
    const text = readFileSync(file, 'utf8');
    expect(modeOf(file)).toBe(0o600);
    expect(text).not.toContain('planted-old-pw-91');
    expect(text).not.toContain('planted-new-token-92');
    expect(text).toContain('task-definition/web:3');
    // still served from memory in this process
    expect(cache.get('arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2')).toBeDefined();
  });
});
