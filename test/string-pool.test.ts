// Strings of their own (src/model/string-pool.ts): a parsed manifest's values must not keep
// their file's text alive (V8 slices substrings of 13 characters or more), and equal values
// are kept once, within a bound.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../src/manifests/load.js';
import { parseManifestText } from '../src/manifests/parse.js';
import { StringPool } from '../src/model/string-pool.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** heap growth (MB) while `keep` holds what `make` made from 400 texts of 256 KB each */
function heapGrowthMb(make: (text: string, i: number) => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const keep: unknown[] = [];
  for (let i = 0; i < 400; i++) keep.push(make(`${String(i).padStart(6, '0')} role/taskExecutionRole `.padEnd(256 * 1024, '#'), i));
  gc();
  const growth = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  expect(keep).toHaveLength(400);
  return growth;
}

describe('StringPool', () => {
  it('hands back a copy that does not keep the text it was sliced from alive', () => {
    // the slices alone keep all 400 texts (100 MB); their copies about 400 short strings
    const sliced = heapGrowthMb((text) => text.slice(0, 30));
    const pool = new StringPool();
    const owned = heapGrowthMb((text) => pool.own(text.slice(0, 30)));
    expect(sliced).toBeGreaterThan(80);
    expect(owned).toBeLessThan(5);
  });

  it('gives equal strings back as they came and keeps each once', () => {
    const pool = new StringPool();
    const a = pool.own('arn:aws:iam::123456789012:role/taskExecutionRole x'.slice(0, -2));
    const b = pool.own(['arn:aws:iam::123456789012', 'role/taskExecutionRole'].join(':'));
    expect(a).toBe('arn:aws:iam::123456789012:role/taskExecutionRole');
    expect(b).toBe(a);
    expect(pool.size).toBe(1);
    // short strings are never slices: kept as they came, and once too
    expect(pool.own('FARGATE')).toBe('FARGATE');
    expect(pool.own(['FAR', 'GATE'].join(''))).toBe('FARGATE');
    expect(pool.size).toBe(2);
  });

  it('never holds more than its bound, nor long strings', () => {
    const pool = new StringPool(10, 40);
    for (let i = 0; i < 25; i++) pool.own(`subnet-0123456789abcdef-${i}`);
    expect(pool.size).toBeLessThanOrEqual(10);
    expect(pool.own('x'.repeat(41))).toBe('x'.repeat(41));
    expect(pool.size).toBeLessThanOrEqual(10);
  });

  it('keeps lone surrogates and escapes as they are', () => {
    const pool = new StringPool();
    const odd = 'quote " backslash \\ newline \n lone \ud800 end';
    expect(pool.own(odd)).toBe(odd);
  });

  it('replaces every string of a parsed value in place, walking shared and cyclic parts once', () => {
    const pool = new StringPool();
    const shared = { image: 'public.ecr.aws/nginx/nginx:1.27' };
    const cyclic: Record<string, unknown> = { name: 'a-container-name-long-enough', list: [shared, shared, 'a-list-item-long-enough'] };
    cyclic.self = cyclic;
    const out = pool.ownAll(cyclic);
    expect(out).toBe(cyclic);
    expect(out.list).toEqual([shared, shared, 'a-list-item-long-enough']);
    expect(out.self).toBe(cyclic);
  });
});

describe('a parsed manifest', () => {
  const manifest = (i: number) =>
    [
      'apiVersion: ecs-reconciler/v1',
      'kind: TaskDefinition',
      `metadata: { name: family-${i} }`,
      'spec:',
      '  executionRoleArn: arn:aws:iam::123456789012:role/taskExecutionRole',
      '  containerDefinitions:',
      `    - { name: web-server-${i}, image: "public.ecr.aws/nginx/nginx:1.27", essential: true, memory: 512 }`,
      `# ${'padding '.repeat(4 * 1024)}`,
    ].join('\n');
  const ctx = { vars: new Map<string, string>(), defaultRegion: 'eu-west-1' };

  it('keeps its values, not its file text (the fast path and the yaml package both)', () => {
    // 400 files of 32 KB: their texts are 12.5 MB; what a resource keeps is a few hundred bytes
    const parsed = (text: string) => {
      const { resources, problems } = parseManifestText('f.yaml', text, ctx);
      expect(problems).toEqual([]);
      expect(resources).toHaveLength(1);
      return resources;
    };
    const plain = heapGrowthMb((_text, i) => parsed(manifest(i)));
    // an anchor sends the file through the yaml package
    const anchored = heapGrowthMb((_text, i) => parsed(manifest(i).replace('executionRoleArn: arn', 'executionRoleArn: &role arn')));
    expect(plain).toBeLessThan(4);
    expect(anchored).toBeLessThan(4);
  });

  it('shares equal values within a load, through its context, and keeps no pool of its own', () => {
    const loaded = loadManifestTexts(
      [0, 1].map((i) => ({ file: `f${i}.yaml`, text: manifest(i) })),
      ctx,
    );
    expect(loaded.problems).toEqual([]);
    expect(loaded.resources.map((r) => r.spec.executionRoleArn)).toEqual([
      'arn:aws:iam::123456789012:role/taskExecutionRole',
      'arn:aws:iam::123456789012:role/taskExecutionRole',
    ]);
    // the pool is the load's context's (a load makes its own): the second file's values are all the first's but its family's name
    const values = new StringPool();
    parseManifestText('f0.yaml', manifest(0), { ...ctx, values });
    const afterFirst = values.size;
    parseManifestText('f1.yaml', manifest(0).replaceAll('family-0', 'family-1'), { ...ctx, values });
    expect(afterFirst).toBeGreaterThan(0);
    expect(values.size).toBe(afterFirst + 1);
  });
});
