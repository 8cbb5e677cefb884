import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { loadManifests, loadManifestTexts, parseManifestText } from '../src/manifests/index.js';
import { formatProblem, type Problem } from '../src/model/problem.js';
import { cpuMillisecondsOf } from './support/cpu-time.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures', 'manifests');
const broken = join(root, 'test', 'fixtures', 'broken-manifests');

function parseFixture(name: string, vars: Record<string, string> = {}) {
  return parseManifestText(name, readFileSync(join(fixtures, name), 'utf8'), { vars: new Map(Object.entries(vars)), defaultRegion: 'us-east-1' });
}

function parseText(file: string, text: string, vars: Record<string, string> = {}) {
  return parseManifestText(file, text, { vars: new Map(Object.entries(vars)), defaultRegion: 'us-east-1' });
}

function onlyProblem(problems: readonly Problem[]): Problem {
  expect(problems.map(formatProblem)).toHaveLength(1);
  return problems[0]!;
}

describe('schema errors are located at the field and read well', () => {
  it('reports an unknown field at its own key, with a did-you-mean', () => {
    const r = parseFixture('unknown-field.yaml');
    const p = onlyProblem(r.problems);
    expect(p).toMatchObject({
      file: 'unknown-field.yaml',
      line: 8,
      column: 3,
      path: 'spec.desiredCont',
      message: 'unknown field',
      hint: 'did you mean "desiredCount"?',
    });
    expect(r.resources).toEqual([]);
    expect(r.invalid).toEqual([expect.objectContaining({ kind: 'Service', name: 'web', cluster: 'prod' })]);
  });

  it('reports an unknown field inside the second container with its index in the path', () => {
    const p = onlyProblem(parseFixture('nested-unknown-field.yaml').problems);
    expect(p).toMatchObject({
      file: 'nested-unknown-field.yaml',
      line: 13,
      column: 7,
      path: 'spec.containerDefinitions[1].essentail',
      message: 'unknown field',
      hint: 'did you mean "essential"?',
    });
  });

  it('reports an unknown kind with a did-you-mean at the kind value', () => {
    const p = onlyProblem(parseFixture('unknown-kind.yaml').problems);
    expect(p).toMatchObject({ file: 'unknown-kind.yaml', line: 2, column: 7, path: 'kind', hint: 'did you mean "Service"?' });
    expect(p.message).toBe('unknown kind "Servce": expected CapacityProvider, Cluster, TaskDefinition or Service');
  });

  it('reports a wrong apiVersion with the value it expected', () => {
    const p = onlyProblem(parseFixture('wrong-api-version.yaml').problems);
    expect(p).toMatchObject({
      file: 'wrong-api-version.yaml',
      line: 2,
      column: 13,
      path: 'apiVersion',
      message: 'expected "ecs-reconciler/v1", got "apps/v1"',
    });
  });

  it('reports a word where a whole number belongs in the words of the contract', () => {
    const p = onlyProblem(parseFixture('bad-type.yaml').problems);
    expect(p).toMatchObject({ file: 'bad-type.yaml', line: 8, column: 17, path: 'spec.desiredCount' });
    expect(formatProblem(p)).toBe('bad-type.yaml:8:17 spec.desiredCount: expected a whole number >= 0, got "two" [Service/web]');
  });

  it('reports a negative or fractional count with the same expectation', () => {
    const svc = (count: string) =>
      `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: web, cluster: prod }\nspec:\n  taskDefinition: app\n  desiredCount: ${count}\n`;
    expect(onlyProblem(parseText('s.yaml', svc('-1')).problems)).toMatchObject({ line: 6, column: 17, message: 'expected a whole number >= 0, got -1' });
    expect(onlyProblem(parseText('s.yaml', svc('1.5')).problems)).toMatchObject({ line: 6, column: 17, message: 'expected a whole number >= 0, got 1.5' });
  });

  it('reports a misspelt enum value with the allowed values and a did-you-mean', () => {
    const p = onlyProblem(parseFixture('bad-enum.yaml').problems);
    expect(p).toMatchObject({ file: 'bad-enum.yaml', line: 8, column: 15, path: 'spec.launchType', hint: 'did you mean "FARGATE"?' });
    expect(p.message).toMatch(/^expected one of .*FARGATE.*; got "FARGAT"$/);
  });

  it('reports a missing required field at the key of the map that lacks it', () => {
    const p = onlyProblem(parseFixture('missing-field.yaml').problems);
    expect(p).toMatchObject({ file: 'missing-field.yaml', line: 5, column: 1, path: 'spec.containerDefinitions', message: 'required field is missing' });
  });

  it('reports an empty spec as an empty value, not as "null"', () => {
    const p = onlyProblem(parseText('c.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod }\nspec:\n').problems);
    expect(p).toMatchObject({ line: 4, path: 'spec', message: 'expected a map, got an empty value' });
  });
});

describe('YAML syntax and structure', () => {
  it('reports an unclosed flow list at its opening bracket', () => {
    const r = parseFixture('syntax-error.yaml');
    const p = onlyProblem(r.problems);
    expect(p).toMatchObject({ file: 'syntax-error.yaml', line: 6, column: 22, message: 'YAML syntax: this [ is never closed: a flow list must end with ]' });
    expect(r.invalid).toHaveLength(1);
  });

  it('reports a syntax error once, not once per echo of it', () => {
    const p = onlyProblem(parseText('y.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\n  bad: indent\nmetadata: {}\n').problems);
    expect(p).toMatchObject({ file: 'y.yaml', line: 2 });
    expect(p.message).toMatch(/^YAML syntax: /);
  });

  it('reports a duplicate key in a map at the second occurrence, naming the key', () => {
    const p = onlyProblem(parseFixture('duplicate-key.yaml').problems);
    expect(p).toMatchObject({ file: 'duplicate-key.yaml', line: 10, column: 3, message: 'duplicate key "desiredCount" in this map: each key may appear once' });
  });

  it('loads the good documents of a multi-document file when one of them is bad', () => {
    const r = parseFixture('multi-document.yaml');
    expect(r.resources.map((x) => x.name)).toEqual(['first', 'third']);
    const p = onlyProblem(r.problems);
    expect(p).toMatchObject({ file: 'multi-document.yaml', line: 12, column: 3, path: 'spec.capacityProvider', hint: 'did you mean "capacityProviders"?' });
    expect(r.invalid).toEqual([expect.objectContaining({ kind: 'Cluster', name: 'second', source: { file: 'multi-document.yaml', line: 7, column: 1 } })]);
  });

  it('loads the good documents around a document with a syntax error', () => {
    const text =
      'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec: {}\n---\nkind: [\n---\napiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: c}\nspec: {}\n';
    const r = parseText('m.yaml', text);
    expect(r.resources.map((x) => x.name)).toEqual(['a', 'c']);
    expect(onlyProblem(r.problems)).toMatchObject({ file: 'm.yaml', line: 6, column: 7 });
  });

  it('reports an empty file', () => {
    expect(onlyProblem(parseFixture('empty.yaml').problems)).toEqual({
      stage: 'load',
      file: 'empty.yaml',
      line: 1,
      column: 1,
      message: 'file is empty: expected at least one manifest',
    });
  });

  it('reports a file of only comments and empty documents once, not once per empty document', () => {
    const r = parseFixture('comments-only.yaml');
    expect(onlyProblem(r.problems)).toMatchObject({
      file: 'comments-only.yaml',
      line: 1,
      column: 1,
      message: 'file holds no manifest: only comments or empty documents',
    });
    expect(r.resources).toEqual([]);
  });

  it('skips an empty document between manifests (a trailing ---)', () => {
    const r = parseText('t.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec: {}\n---\n# done\n');
    expect(r.problems).toEqual([]);
    expect(r.resources).toHaveLength(1);
  });

  it('reports a document that is not a map', () => {
    expect(onlyProblem(parseText('x.yaml', '- a\n- b\n').problems)).toMatchObject({
      line: 1,
      column: 1,
      message: 'expected a manifest (a map with apiVersion, kind, metadata, spec), got a list',
    });
  });

  it('refuses an alias bomb quickly with a clear message', () => {
    const { result: r, cpuMs } = cpuMillisecondsOf(() => parseFixture('alias-bomb.yaml'));
    expect(cpuMs).toBeLessThan(1000);
    expect(onlyProblem(r.problems)).toMatchObject({
      file: 'alias-bomb.yaml',
      line: 1,
      column: 1,
      message: 'YAML aliases expand to more than 100 nodes (an alias bomb?): refused',
    });
  });

  it('refuses a document nested 200 levels deep, at the level where it gets too deep', () => {
    const r = parseText('deep.yaml', `a: ${'['.repeat(200)}${']'.repeat(200)}\n`);
    expect(onlyProblem(r.problems)).toMatchObject({ file: 'deep.yaml', line: 1, column: 67, message: 'document is nested deeper than 64 levels: refused' });
  });

  it('refuses a document nested so deep that the YAML parser would overflow its stack, quickly and once', () => {
    const { result: r, cpuMs } = cpuMillisecondsOf(() => parseText('deeper.yaml', '['.repeat(100_000)));
    expect(cpuMs).toBeLessThan(5000);
    expect(onlyProblem(r.problems)).toMatchObject({ file: 'deeper.yaml', line: 1, message: 'document is nested too deeply (more than 64 levels): refused' });
  });
});

describe('${VAR} substitution', () => {
  it('substitutes ${VAR} from the variables, ${VAR:=default} from its default, and keeps $${VAR} literal', () => {
    const r = parseFixture('variables.yaml', { IMAGE_TAG: '1.27.3', MOTD: 'set: by a var' });
    expect(r.problems).toEqual([]);
    const [container] = r.resources[0]!.spec.containerDefinitions as Array<{ image: string; environment: Array<{ name: string; value: string }> }>;
    expect(container!.image).toBe('nginx:1.27.3');
    expect(container!.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'TEMPLATE', value: '${NOT_A_VARIABLE}' },
      { name: 'MOTD', value: 'set: by a var' },
    ]);
  });

  it('reports an undefined variable at its ${, with the field path and how to set it', () => {
    const r = parseFixture('undefined-variable.yaml');
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatchObject({
      file: 'undefined-variable.yaml',
      line: 10,
      column: 20,
      path: 'spec.containerDefinitions[0].image',
      message: 'undefined variable ${IMAGE_TAG}',
    });
    expect(r.problems[0]!.hint).toContain('--var IMAGE_TAG=');
    // a run-time placeholder (Fluent Bit's, a shell's) pasted as published: the hint says how to keep it
    expect(r.problems[0]!.hint).toContain('write $${IMAGE_TAG}');
    // the second reference in the value, after one with a default
    expect(r.problems[1]).toMatchObject({
      line: 12,
      column: 60,
      path: 'spec.containerDefinitions[0].environment[0].value',
      message: 'undefined variable ${STAGE}',
    });
    expect(r.resources).toEqual([]);
  });

  it('reports an unterminated ${ rather than keeping it silently', () => {
    const p = onlyProblem(
      parseText('u.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: a\nspec:\n  tags: { a: "x-${OPEN" }\n').problems,
    );
    expect(p).toMatchObject({ line: 6, column: 17, path: 'spec.tags.a' });
    expect(p.message).toMatch(/^unterminated variable reference "\$\{OPEN"/);
  });

  it('turns a whole plain ${COUNT} into a number', () => {
    const r = parseFixture('count-variable.yaml', { COUNT: '3', OWNER: '42' });
    expect(r.problems).toEqual([]);
    expect(r.resources[0]!.spec.desiredCount).toBe(3);
    // a quoted reference stays a string
    expect(r.resources[0]!.spec.tags).toEqual({ owner: '42' });
  });

  it('never lets a variable value change the document structure', () => {
    const r = parseFixture('count-variable.yaml', { COUNT: '1', OWNER: 'x\nlaunchType: EC2\nextra: { a: b }' });
    expect(r.problems).toEqual([]);
    expect(r.resources[0]!.spec.launchType).toBe('FARGATE');
    expect(r.resources[0]!.spec.tags).toEqual({ owner: 'x\nlaunchType: EC2\nextra: { a: b }' });
    const asCount = parseFixture('count-variable.yaml', { COUNT: '2\nlaunchType: EC2', OWNER: 'a: b' });
    expect(onlyProblem(asCount.problems)).toMatchObject({
      line: 8,
      column: 17,
      path: 'spec.desiredCount',
      message: 'expected a whole number >= 0, got "2\\nlaunchType: EC2"',
    });
  });
});

describe('plain register-task-definition JSON', () => {
  it('loads a JSON file with // and /* */ comments as a TaskDefinition named by its family', () => {
    const r = parseFixture('task-definition.json');
    expect(r.problems).toEqual([]);
    expect(r.resources).toHaveLength(1);
    const td = r.resources[0]!;
    expect(td).toMatchObject({ kind: 'TaskDefinition', name: 'worker', region: 'us-east-1', source: { file: 'task-definition.json', line: 2, column: 1 } });
    expect(td.spec.family).toBeUndefined();
    expect(td.fieldLocations?.['metadata.name']).toEqual({ line: 3, column: 13 });
    const [c] = td.spec.containerDefinitions as Array<{ command: string[]; environment: Array<{ value: string }> }>;
    expect(c!.command[2]).toBe("print('// not a comment /* nor this */')");
    expect(c!.environment[0]!.value).toBe('https://example.com/path');
  });

  it('reports a JSON syntax error on its own line in JSON words', () => {
    const r = parseFixture('json-syntax-error.json');
    const p = onlyProblem(r.problems);
    expect(p).toMatchObject({ file: 'json-syntax-error.json', line: 5, column: 3, message: "JSON syntax: Expected ',' or '}' after property value" });
    expect(r.invalid).toHaveLength(1);
  });

  it('reports an unterminated /* comment where it opens', () => {
    const p = onlyProblem(parseText('w.json', '{\n  "family": "w",\n  /* never closed\n}\n').problems);
    expect(p).toMatchObject({ file: 'w.json', line: 3, column: 3, message: 'JSON syntax: unterminated /* comment (no closing */)' });
  });

  it('explains that a manifest written as JSON is not read as one', () => {
    const p = onlyProblem(parseText('m.json', '{"apiVersion": "ecs-reconciler/v1", "kind": "Cluster", "metadata": {"name": "a"}, "spec": {}}').problems);
    expect(p).toMatchObject({ file: 'm.json', line: 1, column: 2 });
    expect(p.hint).toMatch(/as \.yaml files/);
  });
});

describe('tags', () => {
  it('gives the same map for the map form and the list form', () => {
    const map = parseFixture('tags-map.yaml');
    const list = parseFixture('tags-list.yaml');
    expect(map.problems).toEqual([]);
    expect(list.problems).toEqual([]);
    expect(map.resources[0]!.spec.tags).toEqual({ team: 'web', env: 'prod', 'cost-center': '42' });
    expect(list.resources[0]!.spec.tags).toEqual(map.resources[0]!.spec.tags);
  });
});

describe('across manifests', () => {
  it('reports two files claiming one resource once, naming both locations, and loads neither', async () => {
    const r = await loadManifests(join(fixtures, 'duplicate-claim'), { defaultRegion: 'us-east-1' });
    const p = onlyProblem(r.problems);
    expect(p).toMatchObject({ file: 'b-cluster.yaml', line: 5, column: 9, path: 'metadata.name', resource: 'Cluster/us-east-1/prod' });
    expect(p.message).toBe('Cluster/us-east-1/prod is also defined at a-cluster.yaml:4:9: two manifests claim one resource, so neither is loaded');
    expect(r.resources.map((x) => x.name)).toEqual(['batch']);
    // both stay known as invalid, so neither reads as deleted
    expect(
      r.invalid
        .filter((i) => i.name === 'prod')
        .map((i) => i.source.file)
        .sort(),
    ).toEqual(['a-cluster.yaml', 'b-cluster.yaml']);
    expect(r.complete).toBe(false);
  });

  it('reports a Service naming an undefined cluster or task definition at that field, with a did-you-mean', async () => {
    const r = await loadManifests(join(fixtures, 'dangling'), { defaultRegion: 'us-east-1' });
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatchObject({
      file: 'service.yaml',
      line: 15,
      column: 12,
      path: 'metadata.cluster',
      message: 'cluster "prd" is not defined by any Cluster manifest in us-east-1',
      hint: 'did you mean "prod"?',
    });
    expect(r.problems[1]).toMatchObject({
      file: 'service.yaml',
      line: 25,
      column: 19,
      path: 'spec.taskDefinition',
      message: 'task definition "apps" is not defined by any TaskDefinition manifest in us-east-1',
      hint: 'did you mean "app"?',
    });
    expect(r.resources.map((x) => `${x.kind}/${x.name}`)).toEqual(['Cluster/prod', 'TaskDefinition/app']);
    expect(r.invalid.map((i) => `${i.kind}/${i.name}`).sort()).toEqual(['Service/api', 'Service/web']);
  });

  it('accepts a cluster given as an ARN without a Cluster manifest, and a pinned family:revision', async () => {
    const r = await loadManifests(join(fixtures, 'estate'), { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([]);
    expect(r.complete).toBe(true);
    const legacy = r.resources.find((x) => x.name === 'legacy')!;
    expect(legacy).toMatchObject({ kind: 'Service', cluster: 'shared', externalCluster: true });
    expect(legacy.spec.taskDefinition).toBe('legacy-task:3');
  });

  it('does not add a second problem for a Service whose cluster manifest is itself broken', () => {
    const r = loadManifestTexts(
      [
        { file: 'cluster.yaml', text: 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod }\nspec: { bogus: 1 }\n' },
        { file: 'svc.yaml', text: 'apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: web, cluster: prod }\nspec: { taskDefinition: "app:1" }\n' },
      ],
      { defaultRegion: 'us-east-1' },
    );
    expect(onlyProblem(r.problems)).toMatchObject({ file: 'cluster.yaml', path: 'spec.bogus' });
    expect(r.resources).toEqual([]);
    expect(r.invalid.map((i) => `${i.kind}/${i.name}`).sort()).toEqual(['Cluster/prod', 'Service/web']);
  });

  it('loads every other file when one is broken, and says the load is not complete', () => {
    const good = readFileSync(join(fixtures, 'tags-map.yaml'), 'utf8');
    const r = loadManifestTexts(
      [
        { file: 'a-broken.yaml', text: 'apiVersion: [\n' },
        { file: 'b-good.yaml', text: good },
      ],
      { defaultRegion: 'us-east-1' },
    );
    expect(r.resources.map((x) => x.name)).toEqual(['prod']);
    expect(onlyProblem(r.problems)).toMatchObject({ file: 'a-broken.yaml', line: 1 });
    expect(r.complete).toBe(false);
    expect(loadManifestTexts([{ file: 'b-good.yaml', text: good }], { defaultRegion: 'us-east-1' }).complete).toBe(true);
  });

  it('loads the example estate with no problems', async () => {
    const r = await loadManifests(join(root, 'manifests'), { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.invalid).toEqual([]);
    expect(r.fileCount).toBe(7);
    expect(r.resources.map((x) => `${x.kind}/${x.name}`).sort()).toEqual([
      'CapacityProvider/prod-ec2',
      'Cluster/batch',
      'Cluster/prod',
      'Service/api',
      'Service/cache',
      'Service/web',
      'Service/worker',
      'TaskDefinition/api',
      'TaskDefinition/cache',
      'TaskDefinition/web',
      'TaskDefinition/worker',
    ]);
  });
});

describe('the broken-manifests fixture (shown in the README)', () => {
  it('gives exactly one problem per defect, each with its file and line, and still loads the valid files', async () => {
    const r = await loadManifests(broken, { defaultRegion: 'us-east-1' });
    expect(r.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path ?? ''}`.trim())).toEqual([
      'bad-type.yaml:9:17 spec.desiredCount',
      'dangling-reference.yaml:8:19 spec.taskDefinition',
      'duplicate.yaml:12:9 metadata.name',
      'empty.yaml:1:1',
      'syntax-error.yaml:7:22',
      'undefined-var.yaml:11:20 spec.containerDefinitions[0].image',
      'unknown-field.yaml:9:3 spec.desiredCont',
    ]);
    expect(r.problems.map((p) => p.message)).toEqual([
      'expected a whole number >= 0, got "two"',
      'task definition "wbe" is not defined by any TaskDefinition manifest in us-east-1',
      'Cluster/us-east-1/batch is also defined at duplicate.yaml:5:9: two manifests claim one resource, so neither is loaded',
      'file is empty: expected at least one manifest',
      'YAML syntax: this [ is never closed: a flow list must end with ]',
      'undefined variable ${RELEASE_TAG}',
      'unknown field',
    ]);
    expect(r.resources.map((x) => `${x.kind}/${x.name}`).sort()).toEqual(['Cluster/prod', 'Service/web', 'TaskDefinition/web']);
    expect(r.complete).toBe(false);
  });
});

describe('the validate command, in-process', () => {
  function io(): CommandIO & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: root };
  }

  it('returns 0 for the example estate', async () => {
    const o = io();
    expect(await main(['validate', 'manifests/'], o)).toBe(0);
    expect(o.out.join('')).toMatch(/7 file\(s\): 1 capacity provider\(s\), 2 cluster\(s\), 4 task definition\(s\), 4 service\(s\) valid\./);
    expect(o.err).toEqual([]);
  });

  it('returns 1 for the broken fixture and prints each problem as FILE:LINE:COL path: message', async () => {
    const o = io();
    expect(await main(['validate', 'test/fixtures/broken-manifests'], o)).toBe(1);
    const lines = o.out.join('').split('\n');
    expect(lines).toContain('bad-type.yaml:9:17 spec.desiredCount: expected a whole number >= 0, got "two" [Service/bad-type]');
    expect(lines).toContain('unknown-field.yaml:9:3 spec.desiredCont: unknown field (did you mean "desiredCount"?) [Service/unknown-field]');
    expect(lines).toContain('syntax-error.yaml:7:22 YAML syntax: this [ is never closed: a flow list must end with ]');
    expect(lines.find((l) => l.startsWith('dangling-reference.yaml:8:19 spec.taskDefinition: task definition "wbe"'))).toContain('(did you mean "web"?)');
    expect(lines.find((l) => l.startsWith('undefined-var.yaml:11:20 spec.containerDefinitions[0].image: undefined variable ${RELEASE_TAG}'))).toBeDefined();
    expect(lines.filter((l) => /^[\w-]+\.yaml:\d+:\d+ /.test(l))).toHaveLength(7);
  });

  it('prints parseable JSON with --format json', async () => {
    const o = io();
    expect(await main(['validate', 'test/fixtures/broken-manifests', '--format', 'json'], o)).toBe(1);
    const report = JSON.parse(o.out.join('')) as { valid: boolean; problems: Problem[]; resources: unknown[] };
    expect(report.valid).toBe(false);
    expect(report.problems).toHaveLength(7);
    for (const p of report.problems) {
      expect(p.file).toMatch(/\.yaml$/);
      expect(p.line).toBeGreaterThan(0);
    }
    expect(report.problems[0]).toMatchObject({ file: 'bad-type.yaml', line: 9, column: 17, path: 'spec.desiredCount' });
    expect(report.resources).toHaveLength(3);
  });

  it('takes a variable from --var', async () => {
    const o = io();
    expect(await main(['validate', 'test/fixtures/broken-manifests', '--var', 'RELEASE_TAG=1.0', '--format', 'json'], o)).toBe(1);
    const report = JSON.parse(o.out.join('')) as { problems: Problem[] };
    expect(report.problems.map((p) => p.file)).not.toContain('undefined-var.yaml');
  });

  it("does not let a manifest read the controller's environment: an unlisted variable is undefined, with file:line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsr-env-'));
    writeFileSync(
      join(dir, 'leak.yaml'),
      'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod }\nspec:\n  tags: { note: "${AWS_SECRET_ACCESS_KEY}", tag: "${IMAGE_TAG}" }\n',
    );
    const o = { ...io(), env: { AWS_SECRET_ACCESS_KEY: 'planted-secret-1f9c', ECSR_VAR_IMAGE_TAG: '1.4.2' } };
    expect(await main(['validate', dir, '--var-env-prefix', 'ECSR_VAR_', '--format', 'json'], o)).toBe(1);
    const text = o.out.join('');
    expect(text).not.toContain('planted-secret-1f9c');
    const report = JSON.parse(text) as { problems: Problem[] };
    expect(report.problems).toEqual([
      expect.objectContaining({ file: 'leak.yaml', line: 5, column: 18, message: 'undefined variable ${AWS_SECRET_ACCESS_KEY}' }),
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads an environment variable that --var-env names', async () => {
    const o = { ...io(), env: { RELEASE_TAG: '1.0' } };
    expect(await main(['validate', 'test/fixtures/broken-manifests', '--var-env', 'RELEASE_TAG', '--format', 'json'], o)).toBe(1);
    const report = JSON.parse(o.out.join('')) as { problems: Problem[] };
    expect(report.problems.map((p) => p.file)).not.toContain('undefined-var.yaml');
  });

  it('shows help with the exit status', async () => {
    const o = io();
    expect(await main(['validate', '--help'], o)).toBe(0);
    expect(o.out.join('')).toContain('Exit status');
  });
});
