// The loader's fast path (src/manifests/fast-yaml.ts) reads plain YAML without the yaml
// package's nodes. It must give exactly what the yaml package gives, or step aside: the
// loader fuzzer (loader-fuzz.test.ts) holds 3,000 mutated files to that; here, the scalars
// of YAML 1.2's core schema one by one, every corpus file, and the inputs it must refuse.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { plainScalar, readPlainDocuments } from '../src/manifests/fast-yaml.js';
import { parseManifestText } from '../src/manifests/parse.js';

const ROOT = resolve(import.meta.dirname, '..');
const ctx = {
  vars: new Map([
    ['IMAGE_TAG', '1.2.3'],
    ['COUNT', '3'],
    ['ON', 'true'],
  ]),
  defaultRegion: 'eu-west-1',
};
const keep = (value: string) => value.replace(/\$\{IMAGE_TAG\}/g, '1.2.3');

function yamlFiles(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push({ file: relative(ROOT, p), text: readFileSync(p, 'utf8') });
  }
  return out;
}

describe('plain scalars', () => {
  const scalars = [
    ...['', '~', 'null', 'Null', 'NULL', 'nULL', 'none'],
    ...['true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n'],
    ...['0', '-0', '+0', '12', '+12', '-12', '007', '0o17', '0o18', '0O17', '0x1F', '0x1f', '0X1F', '-0x1F', '0b101', '1_000', '12345678901234567890'],
    ...['1.5', '1.', '.5', '-.5', '+1.5', '1e3', '1E3', '1.5e-3', '-1.5E+3', '.5e1', '1.e2', 'e3', '1e', '.', '-x', '+', '..5'],
    ...['.inf', '.Inf', '.INF', '-.inf', '+.inf', '.iNf', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'nan'],
    ...['12:30', '2026-12-02', '2026-12-02T08:00:00Z', '1,000', '0.0.0.0/0', '256', '0x', 'true1', 'nullx', 'FARGATE', 'arn:aws:ecs:eu-west-1:1:x'],
  ];
  for (const s of scalars) {
    it(`reads ${JSON.stringify(s)} as the yaml package's core schema does`, () => {
      expect(Object.is(plainScalar(s), yamlParse(`v: ${s}`).v) || plainScalar(s) === yamlParse(`v: ${s}`).v).toBe(true);
    });
  }
});

describe('the fast path against the yaml package', () => {
  it('reads every YAML file of manifests/ and test/fixtures/ as the yaml package does, and reads the example estate itself', () => {
    const files = [...yamlFiles(join(ROOT, 'manifests')), ...yamlFiles(join(ROOT, 'test', 'fixtures'))];
    expect(files.length).toBeGreaterThan(50);
    let taken = 0;
    for (const f of files) {
      const fast = parseManifestText(f.file, f.text, ctx);
      expect(fast, f.file).toStrictEqual(parseManifestText(f.file, f.text, ctx, { plainPath: false }));
      if (readPlainDocuments(f.text, keep)) taken++;
    }
    // not a test that cannot fail: the example estate is plain YAML, so the fast path reads it
    for (const f of yamlFiles(join(ROOT, 'manifests'))) expect(readPlainDocuments(f.text, keep), f.file).toBeDefined();
    expect(taken).toBeGreaterThan(files.length / 2);
  });

  it('reads the service files the benchmark writes (bench/estate.mjs) as the yaml package does: sources, field locations, ${VAR:=default}, auto scaling', async () => {
    // the benchmark's own generator (plain JavaScript, so imported by a computed name: no types to check)
    const estate = '../bench/estate.mjs';
    const { serviceText } = (await import(estate)) as { serviceText: (i: number, opts?: { clusters?: number }) => string };
    for (let i = 0; i < 60; i++) {
      const name = `svc-${String(i).padStart(5, '0')}`;
      const text = serviceText(i, { clusters: 3 });
      const fast = parseManifestText(`services/${name}.yaml`, text, ctx);
      expect(readPlainDocuments(text, keep), name).toHaveLength(2);
      expect(
        fast.resources.map((r) => r.kind),
        name,
      ).toEqual(['TaskDefinition', 'Service']);
      expect(fast, name).toStrictEqual(parseManifestText(`services/${name}.yaml`, text, ctx, { plainPath: false }));
    }
  });

  it('places each document and its names where the yaml package does: comments, quotes, flow maps, several documents', () => {
    const text = [
      '# a comment first',
      '',
      'apiVersion: ecs-reconciler/v1',
      'kind: Service',
      'metadata: { name: "web", cluster: \'prod\' }',
      'spec:',
      '  taskDefinition:   "web"',
      '  desiredCount: ${COUNT}',
      '  enableExecuteCommand: ${ON}',
      '---',
      '  # indented comment',
      'apiVersion: ecs-reconciler/v1',
      'kind: TaskDefinition',
      'metadata:',
      '  name: web',
      'spec:',
      '  containerDefinitions:',
      '    - name: app',
      '      image: "nginx:${IMAGE_TAG}"',
      '      command: [sh, -c, "echo $${HOME}"]',
      '      memory: 512',
      '...',
      '---',
      '',
    ].join('\n');
    const fast = parseManifestText('web.yaml', text, ctx);
    expect(readPlainDocuments(text, keep)).toHaveLength(2);
    expect(fast).toStrictEqual(parseManifestText('web.yaml', text, ctx, { plainPath: false }));
    expect(fast.resources.map((r) => [r.kind, r.source.line, r.fieldLocations?.['spec.taskDefinition']?.column])).toEqual([
      ['Service', 3, 21],
      ['TaskDefinition', 12, undefined],
    ]);
    // a whole ${VAR} in a plain scalar is read again as YAML: a number, a boolean
    expect(fast.resources[0]!.spec).toMatchObject({ desiredCount: 3, enableExecuteCommand: true });
  });
});

describe('what the fast path leaves to the yaml package', () => {
  const manifest = (spec: string) => `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: prod\nspec:\n${spec}\n`;
  const cases: Array<[string, string]> = [
    ['an anchor and its alias', manifest('  tags: &t { a: b }\n  settings: []\nx: *t')],
    ['a tag', manifest('  tags: !!map { a: b }')],
    ['a local tag', manifest('  tags: !thing { a: b }')],
    ['a %YAML directive', `%YAML 1.1\n---\n${manifest('  tags: { a: b }')}`],
    ['a repeated key', manifest('  tags: { a: b }\n  tags: { c: d }')],
    ['keys that are the same once made strings', manifest('  tags: { 1: a, "1": b }')],
    ['a __proto__ key', manifest('  tags: { __proto__: b }')],
    ['a map as a key', manifest('  tags: { { a: b }: c }')],
    ['a document that is a list', '- a\n- b\n'],
    ['a document that is a scalar', 'hello\n'],
    ['a syntax error', manifest('  tags: { a: b')],
    ['a carriage return alone', manifest('  tags: { a: b }').replace(/\n/g, '\r')],
    ['a byte order mark', `\ufeff${manifest('  tags: { a: b }')}`],
    ['an undefined ${VAR}', manifest('  tags: { a: "${NOPE}" }')],
    ['only comments', '# nothing\n---\n# more\n'],
  ];
  for (const [what, text] of cases) {
    it(`${what}: not read (undefined), and the file loads as the yaml package loads it`, () => {
      expect(readPlainDocuments(text, (v) => (v.includes('${NOPE}') ? undefined : v))).toBeUndefined();
      expect(parseManifestText('c.yaml', text, ctx)).toStrictEqual(parseManifestText('c.yaml', text, ctx, { plainPath: false }));
    });
  }

  it('a document that does not validate: the yaml package places the problem (line, column, field path)', () => {
    const text = manifest('  capacityProviders: [FARGATE]\n  settingz: []');
    expect(readPlainDocuments(text, keep)).toBeDefined();
    const parsed = parseManifestText('c.yaml', text, ctx);
    expect(parsed.problems).toEqual([expect.objectContaining({ file: 'c.yaml', line: 7, column: 3, path: 'spec.settingz' })]);
    expect(parsed).toStrictEqual(parseManifestText('c.yaml', text, ctx, { plainPath: false }));
  });

  it('a name written as a block scalar: its range starts at the indicator, which only the yaml package keeps', () => {
    const text = 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: |-\n    prod\nspec: {}\n';
    const parsed = parseManifestText('c.yaml', text, ctx);
    expect(parsed.resources[0]?.name).toBe('prod');
    expect(parsed).toStrictEqual(parseManifestText('c.yaml', text, ctx, { plainPath: false }));
  });
});
