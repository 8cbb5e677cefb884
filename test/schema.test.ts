import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ownershipTags } from '../src/apply/ownership.js';
import { ClusterManifestSchema, type ClusterSpec, ClusterSpecSchema } from '../src/kinds/cluster/schema.js';
import { type Manifest, type ManifestInput, ManifestSchema, REGISTRY } from '../src/kinds/registry.js';
import { type AutoScalingSpec, AutoScalingSpecSchema } from '../src/kinds/service/scaling-schema.js';
import { ServiceManifestSchema, type ServiceSpec, ServiceSpecSchema } from '../src/kinds/service/schema.js';
import {
  type ContainerDefinition,
  FARGATE_CPU_MEMORY,
  TaskDefinitionJsonFileSchema,
  TaskDefinitionManifestSchema,
  type TaskDefinitionSpec,
  TaskDefinitionSpecSchema,
} from '../src/kinds/task-definition/schema.js';
import { TAG } from '../src/model/resource.js';
import * as enums from '../src/schema/enums.js';
import { type Annotations, manifestJsonSchema, TagsSchema } from '../src/schema/index.js';
import { MAX_USER_TAGS, OWNERSHIP_TAG_COUNT } from '../src/schema/tags.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test', 'fixtures', 'schema');
const ecsModels = join(root, 'node_modules', '@aws-sdk', 'client-ecs', 'dist-types', 'models');
const aasModels = join(root, 'node_modules', '@aws-sdk', 'client-application-auto-scaling', 'dist-types', 'models');

function fixture(name: string): unknown {
  return parseYaml(readFileSync(join(fixtures, name), 'utf8'));
}

type Issue = z.core.$ZodIssue;

/** Parse with a schema and return the issues (fails the test when it parses). */
function issuesOf(schema: z.ZodType, input: unknown): Issue[] {
  const r = schema.safeParse(input);
  if (r.success) throw new Error(`expected a failure, parsed: ${JSON.stringify(r.data)}`);
  return r.error.issues;
}

function pathOf(issue: Issue): string {
  return issue.path.join('.');
}

function findIssue(issues: Issue[], path: string): Issue | undefined {
  return issues.find((i) => pathOf(i) === path);
}

function expectOk<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new Error(`expected success, got ${JSON.stringify(r.error.issues, null, 2)}`);
  return r.data;
}

// ---- minimal valid manifests, changed per test ----

function fargateTaskDefinition(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'ecs-reconciler/v1',
    kind: 'TaskDefinition',
    metadata: { name: 'app' },
    spec: {
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'nginx', portMappings: [{ containerPort: 80 }] }],
      ...spec,
    },
  };
}

function service(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'ecs-reconciler/v1',
    kind: 'Service',
    metadata: { name: 'web', cluster: 'prod' },
    spec: { taskDefinition: 'app', desiredCount: 1, ...spec },
  };
}

function cluster(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'ecs-reconciler/v1', kind: 'Cluster', metadata: { name: 'prod', ...metadata }, spec };
}

// ---- SDK type definitions, read from the installed .d.ts files ----

interface SdkField {
  name: string;
  /** The type with `| undefined`, `[]` and `Record<string, ...>` stripped. */
  type: string;
}

function readInterfaces(dir: string, files: string[]): Map<string, SdkField[]> {
  const text = files
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
    .replace(/\/\*\*[\s\S]*?\*\//g, '');
  const out = new Map<string, SdkField[]>();
  for (const m of text.matchAll(/export interface (\w+)(?: extends [^{]+)? \{([\s\S]*?)\n\}/g)) {
    const fields: SdkField[] = [];
    for (const f of (m[2] ?? '').matchAll(/^\s+(\w+)\??: ([^;]+);/gm)) {
      const type = (f[2] ?? '')
        .replace(/\s*\|\s*undefined$/, '')
        .replace(/^Record<string, (.+)>$/, '$1')
        .replace(/\[\]$/, '');
      fields.push({ name: f[1] ?? '', type });
    }
    out.set(m[1] ?? '', fields);
  }
  // Tagged unions (`export type SharingStrategy = SharingStrategy.NvidiaMpsMember | ...`):
  // an object with exactly one of the members' fields, checked like an interface.
  for (const m of text.matchAll(/export declare namespace (\w+) \{([\s\S]*?)\n\}/g)) {
    const fields: SdkField[] = [];
    for (const f of (m[2] ?? '').matchAll(/interface (?!\$)\w+Member \{\s*(\w+): ([^;]+);/g)) {
      fields.push({ name: f[1] ?? '', type: (f[2] ?? '').replace(/\[\]$/, '') });
    }
    if (fields.length > 0 && !out.has(m[1] ?? '')) out.set(m[1] ?? '', fields);
  }
  return out;
}

function sdkEnum(dir: string, name: string): string[] {
  const text = readFileSync(join(dir, 'enums.d.ts'), 'utf8');
  const m = new RegExp(`export declare const ${name}: \\{([\\s\\S]*?)\\};`).exec(text);
  if (!m) throw new Error(`enum ${name} not found in the SDK`);
  return [...(m[1] ?? '').matchAll(/:\s*"([^"]*)"/g)].map((v) => v[1] ?? '').sort();
}

const ecsInterfaces = readInterfaces(ecsModels, ['models_0.d.ts', 'models_1.d.ts']);
const aasInterfaces = readInterfaces(aasModels, ['models_0.d.ts']);

function sdkFields(map: Map<string, SdkField[]>, name: string): SdkField[] {
  const fields = map.get(name);
  if (!fields || fields.length === 0) throw new Error(`interface ${name} not found in the SDK`);
  return fields;
}

type Json = Record<string, unknown>;

/** The object schema inside a property schema: through items, anyOf/oneOf. */
function objectNode(schema: unknown): Json | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const s = schema as Json;
  if (s.properties !== undefined) return s;
  if (s.items !== undefined) return objectNode(s.items);
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    const list = s[k];
    if (Array.isArray(list)) {
      for (const alt of list) {
        const found = objectNode(alt);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function props(node: Json | undefined): Json {
  return (node?.properties ?? {}) as Json;
}

function manifestVariant(kind: string): Json {
  const s = manifestJsonSchema(REGISTRY.map((k) => k.manifestSchema)) as Json;
  const variants = (s.oneOf ?? s.anyOf) as Json[];
  const v = variants.find((x) => (props(x).kind as Json | undefined)?.const === kind);
  if (!v) throw new Error(`no ${kind} variant`);
  return v;
}

function specNode(kind: string): Json {
  const node = objectNode(props(manifestVariant(kind)).spec);
  if (!node) throw new Error(`no spec for ${kind}`);
  return node;
}

/**
 * Every field of the SDK interface (less `omit`) is a property of the JSON Schema node,
 * and, recursively, every nested SDK interface is matched by the nested schema.
 * Returns the missing paths.
 */
function missingFields(
  map: Map<string, SdkField[]>,
  iface: string,
  node: Json,
  omit: string[] = [],
  path = iface,
  seen = new Set<string>(),
  rename: (n: string) => string = (n) => n,
): string[] {
  if (seen.has(iface)) return [];
  const nextSeen = new Set(seen).add(iface);
  const missing: string[] = [];
  const p = props(node);
  for (const f of sdkFields(map, iface)) {
    if (omit.includes(f.name)) continue;
    const key = rename(f.name);
    if (!(key in p)) {
      missing.push(`${path}.${key}`);
      continue;
    }
    if (map.has(f.type)) {
      const child = objectNode(p[key]);
      if (!child) missing.push(`${path}.${key} (not an object schema)`);
      else missing.push(...missingFields(map, f.type, child, [], `${path}.${key}`, nextSeen, rename));
    }
  }
  return missing;
}

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

// ===========================================================================

describe('valid manifests', () => {
  it('parses every document of the DESIGN.md example', () => {
    // the repository's own copy of the design contract (nothing in the repository reads outside it)
    const design = readFileSync(join(root, 'docs', 'design.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(design)?.[1];
    expect(block).toBeDefined();
    const docs = parseAllDocuments(block ?? '').map((d) => d.toJS() as unknown);
    expect(docs).toHaveLength(3);
    const parsed = docs.map((d) => expectOk(ManifestSchema, d));
    expect(parsed.map((m) => m.kind)).toEqual(['Cluster', 'TaskDefinition', 'Service']);
    const [c, td, svc] = parsed;
    expect(c?.kind === 'Cluster' && c.spec.tags).toEqual({ team: 'web' });
    expect(td?.kind === 'TaskDefinition' && td.spec.cpu).toBe('256');
    expect(svc?.kind === 'Service' && svc.metadata.cluster).toBe('prod');
    expect(svc?.kind === 'Service' && svc.spec.autoScaling?.targetTracking?.[0]?.policyName).toBe('cpu60');
  });

  it('parses a full Cluster manifest using every CreateCluster field', () => {
    const m = expectOk(ClusterManifestSchema, fixture('cluster-full.yaml'));
    expect(m.spec.tags).toEqual({ team: 'web', 'cost-center': '1234' });
    expect(m.metadata.annotations?.['ecs-reconciler/prune']).toBe('false');
    expect(m.metadata.annotations?.['example.com/owner']).toBe('platform-team');
  });

  it('parses a full TaskDefinition manifest using every ContainerDefinition field', () => {
    const m = expectOk(TaskDefinitionManifestSchema, fixture('task-definition-full.yaml'));
    expect(m.spec.cpu).toBe('1024');
    expect(m.spec.memory).toBe('4096');
    expect(m.spec.tags).toEqual({ team: 'web', app: 'my-app' });
    const web = m.spec.containerDefinitions[0];
    expect(web?.environment).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'WORKERS', value: '4' },
    ]);
    expect(m.spec.proxyConfiguration?.properties?.[1]?.value).toBe('15000');
  });

  it('parses a full Service manifest using every CreateService field and an autoScaling block', () => {
    const m = expectOk(ServiceManifestSchema, fixture('service-full.yaml'));
    expect(m.spec.autoScaling?.targetTracking).toHaveLength(4);
    expect(m.spec.volumeConfigurations?.[0]?.managedEBSVolume?.tagSpecifications?.[0]?.tags).toEqual({ team: 'web' });
  });

  it('parses each full example through the ManifestSchema union too', () => {
    for (const f of ['cluster-full.yaml', 'task-definition-full.yaml', 'service-full.yaml']) {
      expectOk(ManifestSchema, fixture(f));
    }
  });

  it('parses a plain register-task-definition JSON file with family and list-form tags', () => {
    const td = expectOk(TaskDefinitionJsonFileSchema, JSON.parse(readFileSync(join(fixtures, 'register-task-definition.json'), 'utf8')));
    expect(td.family).toBe('worker');
    expect(td.tags).toEqual({ team: 'jobs' });
  });

  it('refuses a register-task-definition JSON file without family, and the same rules apply as to manifests', () => {
    const issues = issuesOf(TaskDefinitionJsonFileSchema, { containerDefinitions: [{ name: 'a', image: 'x', memory: 128 }] });
    expect(findIssue(issues, 'family')).toBeDefined();
    const fargate = issuesOf(TaskDefinitionJsonFileSchema, {
      family: 'f',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: 256,
      memory: 4096,
      containerDefinitions: [{ name: 'a', image: 'x' }],
    });
    expect(findIssue(fargate, 'memory')?.message).toBe('Fargate cpu 256 accepts memory 512, 1024, 2048; got 4096');
  });
});

describe('tags', () => {
  it('gives the same map from the map form and the list form', () => {
    const fromMap = expectOk(TagsSchema, { team: 'web', env: 'prod' });
    const fromList = expectOk(TagsSchema, [
      { key: 'team', value: 'web' },
      { key: 'env', value: 'prod' },
    ]);
    expect(fromMap).toEqual({ team: 'web', env: 'prod' });
    expect(fromList).toEqual(fromMap);
  });

  it('turns numbers and booleans written unquoted into strings, and a missing list value into ""', () => {
    expect(expectOk(TagsSchema, { version: 2, public: true })).toEqual({ version: '2', public: 'true' });
    expect(expectOk(TagsSchema, [{ key: 'empty' }])).toEqual({ empty: '' });
  });

  it('refuses keys beginning with aws: in any case, as reserved by AWS', () => {
    for (const key of ['aws:cloudformation:stack', 'AWS:x', 'Aws:y']) {
      const issues = issuesOf(TagsSchema, { [key]: 'v' });
      expect(issues[0]?.message).toMatch(/reserved/);
      expect(issues[0]?.path).toEqual([key]);
    }
  });

  it("refuses keys beginning with ecs-reconciler: as the controller's own ownership tags", () => {
    const issues = issuesOf(TagsSchema, [{ key: 'ecs-reconciler:managed-by', value: 'me' }]);
    expect(issues[0]?.path).toEqual([0, 'key']);
    expect(issues[0]?.message).toMatch(/reserved/);
    expect(issues[0]?.message).toMatch(/controller/);
  });

  it('accepts 38 tags and refuses 39: ECS allows 50 per resource, and the controller adds up to 12 ownership tags', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expectOk(TagsSchema, tags(38));
    const message = 'at most 38 tags, got 39: ECS allows 50 per resource and the controller adds up to 12 ownership tags of its own (ecs-reconciler:*)';
    expect(issuesOf(TagsSchema, tags(39))[0]?.message).toBe(message);
    expect(issuesOf(TagsSchema, tags(50))[0]?.message).toMatch(/^at most 38 tags, got 50/);
    const list = Array.from({ length: 39 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(issuesOf(TagsSchema, list)[0]?.message).toBe(message);
  });

  it('the ownership tags counted against the limit are all the controller ever adds', () => {
    const desired = {
      kind: 'Cluster' as const,
      name: 'c',
      region: 'us-east-1',
      annotations: { 'ecs-reconciler/prune': 'false' },
      spec: {},
      source: { file: 'c.yaml', line: 1, column: 1 },
    };
    const all = ownershipTags({ controllerId: 'id', desiredHash: 'h', desired, gitRevision: 'abc', repository: 'github.com/a/b', fightTag: '1' });
    // every key ownershipTags writes is a TAG key, and the limit counts every TAG key (the
    // replacement marker and a service's revision record are written beside these)
    const keys = new Set<string>(Object.values(TAG));
    expect(Object.keys(all).filter((k) => !keys.has(k))).toEqual([]);
    expect(Object.keys(all)).toHaveLength(7);
    expect(OWNERSHIP_TAG_COUNT).toBe(keys.size);
    expect(MAX_USER_TAGS + OWNERSHIP_TAG_COUNT).toBe(50);
  });

  it('refuses more than 10 containers in a task definition (the ECS quota) and more than 5 target groups on a service', () => {
    const containers = Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: 'busybox', memory: 64 }));
    const td = TaskDefinitionSpecSchema.safeParse({ containerDefinitions: containers });
    expect(td.success).toBe(false);
    expect(JSON.stringify(td.error?.issues)).toMatch(/containerDefinitions/);
    expect(TaskDefinitionSpecSchema.safeParse({ containerDefinitions: containers.slice(0, 10) }).success).toBe(true);
    const lb = (i: number) => ({
      targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t${i}/0123456789abcdef`,
      containerName: 'c0',
      containerPort: 80,
    });
    expect(ServiceSpecSchema.safeParse({ taskDefinition: 'app', loadBalancers: [0, 1, 2, 3, 4, 5].map(lb) }).success).toBe(false);
  });

  it('refuses keys over 128 characters, empty keys and values over 256 characters', () => {
    expect(findIssue(issuesOf(TagsSchema, { ['k'.repeat(129)]: 'v' }), 'k'.repeat(129))).toBeDefined();
    expect(findIssue(issuesOf(TagsSchema, [{ key: '', value: 'v' }]), '0.key')).toBeDefined();
    expect(findIssue(issuesOf(TagsSchema, { k: 'v'.repeat(257) }), 'k')).toBeDefined();
    expectOk(TagsSchema, { ['k'.repeat(128)]: 'v'.repeat(256) });
  });

  it('refuses a key given twice in the list form', () => {
    const issues = issuesOf(TagsSchema, [
      { key: 'team', value: 'a' },
      { key: 'team', value: 'b' },
    ]);
    expect(pathOf(issues[0]!)).toBe('1.key');
    expect(issues[0]?.message).toMatch(/duplicate tag key "team"/);
  });

  it('checks the tags of a manifest at the right path', () => {
    const issues = issuesOf(ManifestSchema, cluster({ tags: { 'aws:x': 'y' } }));
    expect(findIssue(issues, 'spec.tags.aws:x')).toBeDefined();
  });
});

describe('strictness', () => {
  it('gives an unrecognized_keys issue at the container for a misspelled container field', () => {
    const m = fargateTaskDefinition();
    const spec = m.spec as { containerDefinitions: Record<string, unknown>[] };
    spec.containerDefinitions[0] = { ...spec.containerDefinitions[0], imagee: 'x' };
    const issues = issuesOf(ManifestSchema, m);
    const issue = issues.find((i) => i.code === 'unrecognized_keys');
    expect(issue).toBeDefined();
    expect(issue?.path).toEqual(['spec', 'containerDefinitions', 0]);
    expect(issue?.code === 'unrecognized_keys' && issue.keys).toEqual(['imagee']);
  });

  it('gives an unrecognized_keys issue for a misspelled service field, at spec', () => {
    const issue = issuesOf(ManifestSchema, service({ desiredCont: 2 })).find((i) => i.code === 'unrecognized_keys');
    expect(issue?.path).toEqual(['spec']);
    expect(issue?.code === 'unrecognized_keys' && issue.keys).toEqual(['desiredCont']);
  });

  it('gives unrecognized_keys for unknown top-level, metadata and deeply nested fields', () => {
    const top = issuesOf(ManifestSchema, { ...cluster(), status: {} }).find((i) => i.code === 'unrecognized_keys');
    expect(top?.path).toEqual([]);
    const meta = issuesOf(ManifestSchema, cluster({}, { labels: {} })).find((i) => i.code === 'unrecognized_keys');
    expect(meta?.path).toEqual(['metadata']);
    const deep = issuesOf(ManifestSchema, service({ networkConfiguration: { awsvpcConfiguration: { subnets: ['s'], securityGroup: ['sg'] } } })).find(
      (i) => i.code === 'unrecognized_keys',
    );
    expect(deep?.path).toEqual(['spec', 'networkConfiguration', 'awsvpcConfiguration']);
  });

  it('does not accept clientToken, which the controller sets itself', () => {
    const issue = issuesOf(ManifestSchema, service({ clientToken: 'abc' })).find((i) => i.code === 'unrecognized_keys');
    expect(issue?.code === 'unrecognized_keys' && issue.keys).toEqual(['clientToken']);
  });

  it('does not accept the resource name inside spec (it is metadata.name)', () => {
    for (const [m, key] of [
      [cluster({ clusterName: 'x' }), 'clusterName'],
      [fargateTaskDefinition({ family: 'x' }), 'family'],
      [service({ serviceName: 'x', cluster: 'c' }), 'serviceName'],
    ] as const) {
      const issue = issuesOf(ManifestSchema, m).find((i) => i.code === 'unrecognized_keys');
      expect(issue?.code === 'unrecognized_keys' && issue.keys).toContain(key);
    }
  });
});

describe('envelope', () => {
  it('refuses an apiVersion other than ecs-reconciler/v1', () => {
    expect(findIssue(issuesOf(ManifestSchema, { ...cluster(), apiVersion: 'v2' }), 'apiVersion')).toBeDefined();
  });

  it('refuses an unknown kind', () => {
    expect(issuesOf(ManifestSchema, { ...cluster(), kind: 'Pod' })[0]?.path).toEqual(['kind']);
  });

  it('requires metadata.cluster on a Service and refuses it on a Cluster', () => {
    const s = service();
    s.metadata = { name: 'web' };
    expect(findIssue(issuesOf(ManifestSchema, s), 'metadata.cluster')).toBeDefined();
    const issue = issuesOf(ManifestSchema, cluster({}, { cluster: 'x' })).find((i) => i.code === 'unrecognized_keys');
    expect(issue?.code === 'unrecognized_keys' && issue.keys).toEqual(['cluster']);
  });

  it("refuses names outside ECS's 1-255 letters, numbers, hyphens and underscores", () => {
    for (const name of ['', 'my.cluster', 'has space', 'x'.repeat(256)]) {
      expect(findIssue(issuesOf(ManifestSchema, cluster({}, { name })), 'metadata.name')).toBeDefined();
    }
    expectOk(ManifestSchema, cluster({}, { name: 'My_Cluster-1' }));
    expectOk(ManifestSchema, cluster({}, { name: 'x'.repeat(255) }));
  });

  it('checks region against the AWS region pattern', () => {
    expectOk(ManifestSchema, cluster({}, { region: 'ap-southeast-2' }));
    expect(findIssue(issuesOf(ManifestSchema, cluster({}, { region: 'Europe' })), 'metadata.region')).toBeDefined();
  });

  it('accepts the known annotations and free keys outside the ecs-reconciler/ prefix', () => {
    const m = expectOk(
      ManifestSchema,
      cluster({}, { annotations: { 'ecs-reconciler/suspend': 'true', 'ecs-reconciler/ignore': 'tags', 'team.example.com/x': 'y' } }),
    );
    expect(m.metadata.annotations).toEqual({
      'ecs-reconciler/suspend': 'true',
      'ecs-reconciler/ignore': 'tags',
      'team.example.com/x': 'y',
    });
  });

  it('refuses an unknown ecs-reconciler/ annotation as an unrecognized key', () => {
    const issue = issuesOf(ManifestSchema, cluster({}, { annotations: { 'ecs-reconciler/prun': 'false' } }))[0];
    expect(issue?.code).toBe('unrecognized_keys');
    expect(issue?.path).toEqual(['metadata', 'annotations']);
    expect(issue?.code === 'unrecognized_keys' && issue.keys).toEqual(['ecs-reconciler/prun']);
  });

  it('refuses annotation values other than "true"/"false" for the boolean knobs, and non-string values', () => {
    expect(
      findIssue(issuesOf(ManifestSchema, cluster({}, { annotations: { 'ecs-reconciler/prune': 'no' } })), 'metadata.annotations.ecs-reconciler/prune'),
    ).toBeDefined();
    expect(
      findIssue(issuesOf(ManifestSchema, cluster({}, { annotations: { 'ecs-reconciler/prune': false } })), 'metadata.annotations.ecs-reconciler/prune'),
    ).toBeDefined();
  });
});

describe('task definitions', () => {
  it('accepts every Fargate cpu/memory pair in the table', () => {
    let pairs = 0;
    for (const [cpu, mems] of FARGATE_CPU_MEMORY) {
      for (const memory of mems) {
        expectOk(ManifestSchema, fargateTaskDefinition({ cpu, memory }));
        pairs++;
      }
    }
    expect(pairs).toBe(3 + 4 + 7 + 13 + 23 + 12 + 12);
    expect(FARGATE_CPU_MEMORY.get(4096)?.at(-1)).toBe(30720);
    expect(FARGATE_CPU_MEMORY.get(16384)).toContain(122880);
  });

  it('refuses a Fargate memory the cpu does not accept, at spec.memory, listing the valid values', () => {
    const issues = issuesOf(ManifestSchema, fargateTaskDefinition({ cpu: '512', memory: '512' }));
    const issue = findIssue(issues, 'spec.memory');
    expect(issue?.message).toBe('Fargate cpu 512 accepts memory 1024, 2048, 3072, 4096; got 512');
    expect(findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ cpu: 8192, memory: 18432 })), 'spec.memory')?.message).toMatch(
      /^Fargate cpu 8192 accepts memory 16384, 20480, .*, 61440; got 18432$/,
    );
  });

  it('refuses a Fargate cpu that is not a Fargate size, at spec.cpu', () => {
    const issue = findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ cpu: 300 })), 'spec.cpu');
    expect(issue?.message).toBe('Fargate cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384; got 300');
  });

  it('requires task cpu and memory and networkMode awsvpc for Fargate', () => {
    const issues = issuesOf(ManifestSchema, fargateTaskDefinition({ cpu: undefined, memory: undefined, networkMode: 'bridge' }));
    expect(findIssue(issues, 'spec.cpu')?.message).toMatch(/required/);
    expect(findIssue(issues, 'spec.memory')?.message).toMatch(/required/);
    expect(findIssue(issues, 'spec.networkMode')?.message).toBe('Fargate needs networkMode awsvpc, got bridge');
  });

  it('refuses an awsvpc hostPort different from the containerPort, and accepts an equal one', () => {
    const bad = fargateTaskDefinition({
      containerDefinitions: [{ name: 'web', image: 'nginx', portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
    });
    const issue = findIssue(issuesOf(ManifestSchema, bad), 'spec.containerDefinitions.0.portMappings.0.hostPort');
    expect(issue?.message).toBe('in awsvpc network mode hostPort must be omitted or equal containerPort 80; got 8080');
    expectOk(
      ManifestSchema,
      fargateTaskDefinition({
        containerDefinitions: [{ name: 'web', image: 'nginx', portMappings: [{ containerPort: 80, hostPort: 80 }] }],
      }),
    );
  });

  it('accepts any hostPort in bridge mode', () => {
    expectOk(TaskDefinitionSpecSchema, {
      networkMode: 'bridge',
      containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
    });
  });

  it('outputs task cpu "256" from "256", 256, "0.25 vCPU" and ".25vcpu"', () => {
    for (const cpu of ['256', 256, '0.25 vCPU', '.25vcpu', ' 0.25 VCPU ']) {
      expect(expectOk(TaskDefinitionSpecSchema, { ...(fargateTaskDefinition().spec as object), cpu }).cpu).toBe('256');
    }
    expect(expectOk(TaskDefinitionSpecSchema, { ...(fargateTaskDefinition().spec as object), cpu: '1 vCPU', memory: 2048 }).cpu).toBe('1024');
  });

  it('outputs task memory in MiB from numbers, "2 GB" and "2GB"', () => {
    for (const memory of [2048, '2048', '2 GB', '2GB', '2 gb']) {
      const td = expectOk(TaskDefinitionSpecSchema, { ...(fargateTaskDefinition().spec as object), memory });
      expect(td.memory).toBe('2048');
    }
    expect(expectOk(TaskDefinitionSpecSchema, { ...(fargateTaskDefinition().spec as object), memory: '0.5 GB' }).memory).toBe('512');
  });

  it('refuses task cpu and memory that are not CPU units / MiB / vCPU / GB', () => {
    for (const cpu of ['a lot', '0.5', -256, 0, 256.5, '2 GB']) {
      expect(findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ cpu })), 'spec.cpu')).toBeDefined();
    }
    for (const memory of ['512MB', '1.5', 0]) {
      expect(findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ memory })), 'spec.memory')).toBeDefined();
    }
  });

  it('refuses two containers with the same name', () => {
    const issues = issuesOf(
      ManifestSchema,
      fargateTaskDefinition({
        containerDefinitions: [
          { name: 'web', image: 'a' },
          { name: 'web', image: 'b' },
        ],
      }),
    );
    expect(findIssue(issues, 'spec.containerDefinitions.1.name')?.message).toMatch(/duplicate container name "web"/);
  });

  it('requires container memory or memoryReservation when there is no task memory', () => {
    const issues = issuesOf(TaskDefinitionSpecSchema, { containerDefinitions: [{ name: 'web', image: 'a' }] });
    expect(findIssue(issues, 'containerDefinitions.0.memory')?.message).toMatch(/memory or memoryReservation is required/);
    expectOk(TaskDefinitionSpecSchema, { containerDefinitions: [{ name: 'web', image: 'a', memoryReservation: 64 }] });
  });

  it('refuses a memoryReservation above the container memory', () => {
    const issues = issuesOf(TaskDefinitionSpecSchema, {
      containerDefinitions: [{ name: 'web', image: 'a', memory: 128, memoryReservation: 256 }],
    });
    expect(findIssue(issues, 'containerDefinitions.0.memoryReservation')?.message).toBe('memoryReservation 256 must not exceed memory 128');
  });

  it('refuses dependsOn naming a container that is not in the task definition', () => {
    const issues = issuesOf(
      ManifestSchema,
      fargateTaskDefinition({
        containerDefinitions: [{ name: 'web', image: 'a', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }],
      }),
    );
    expect(findIssue(issues, 'spec.containerDefinitions.0.dependsOn.0.containerName')?.message).toMatch(/no container "db"/);
  });

  it('refuses an unknown dependsOn condition, log driver, ulimit name and protocol', () => {
    const issues = issuesOf(TaskDefinitionSpecSchema, {
      containerDefinitions: [
        {
          name: 'web',
          image: 'a',
          memory: 64,
          dependsOn: [{ containerName: 'web', condition: 'READY' }],
          logConfiguration: { logDriver: 'cloudwatch' },
          ulimits: [{ name: 'files', softLimit: 1, hardLimit: 1 }],
          portMappings: [{ containerPort: 80, protocol: 'TCP' }],
        },
      ],
    });
    for (const p of [
      'containerDefinitions.0.dependsOn.0.condition',
      'containerDefinitions.0.logConfiguration.logDriver',
      'containerDefinitions.0.ulimits.0.name',
      'containerDefinitions.0.portMappings.0.protocol',
    ]) {
      expect(findIssue(issues, p), p).toBeDefined();
    }
  });

  it('keeps health check values within the ECS limits', () => {
    const td = (healthCheck: unknown) => ({ containerDefinitions: [{ name: 'web', image: 'a', memory: 64, healthCheck }] });
    expectOk(TaskDefinitionSpecSchema, td({ command: ['CMD', 'true'], interval: 5, timeout: 2, retries: 10, startPeriod: 300 }));
    for (const [k, v] of [
      ['interval', 4],
      ['interval', 301],
      ['timeout', 1],
      ['timeout', 121],
      ['retries', 0],
      ['retries', 11],
      ['startPeriod', 301],
    ] as const) {
      const issues = issuesOf(TaskDefinitionSpecSchema, td({ command: ['CMD', 'true'], [k]: v }));
      expect(findIssue(issues, `containerDefinitions.0.healthCheck.${k}`), `${k}=${v}`).toBeDefined();
    }
    expect(findIssue(issuesOf(TaskDefinitionSpecSchema, td({ command: ['curl', 'x'] })), 'containerDefinitions.0.healthCheck.command')).toBeDefined();
  });

  it('keeps ephemeralStorage within 21-200 GiB', () => {
    expectOk(ManifestSchema, fargateTaskDefinition({ ephemeralStorage: { sizeInGiB: 21 } }));
    expect(
      findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ ephemeralStorage: { sizeInGiB: 20 } })), 'spec.ephemeralStorage.sizeInGiB'),
    ).toBeDefined();
    expect(
      findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ ephemeralStorage: { sizeInGiB: 201 } })), 'spec.ephemeralStorage.sizeInGiB'),
    ).toBeDefined();
  });

  it('requires at least one container definition', () => {
    expect(findIssue(issuesOf(ManifestSchema, fargateTaskDefinition({ containerDefinitions: [] })), 'spec.containerDefinitions')).toBeDefined();
  });

  it('refuses a mount point naming a volume that the task definition does not declare', () => {
    const issues = issuesOf(
      ManifestSchema,
      fargateTaskDefinition({
        containerDefinitions: [{ name: 'web', image: 'a', mountPoints: [{ sourceVolume: 'data', containerPath: '/d' }] }],
      }),
    );
    expect(findIssue(issues, 'spec.containerDefinitions.0.mountPoints.0.sourceVolume')).toBeDefined();
  });
});

describe('services', () => {
  it('refuses launchType together with capacityProviderStrategy', () => {
    const issues = issuesOf(ManifestSchema, service({ launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }));
    expect(findIssue(issues, 'spec.capacityProviderStrategy')?.message).toMatch(/mutually exclusive/);
  });

  it('refuses desiredCount and Fargate with DAEMON scheduling', () => {
    const issues = issuesOf(ManifestSchema, service({ schedulingStrategy: 'DAEMON', launchType: 'FARGATE', desiredCount: 2 }));
    expect(findIssue(issues, 'spec.desiredCount')?.message).toMatch(/DAEMON/);
    expect(findIssue(issues, 'spec.launchType')?.message).toBe('DAEMON scheduling works only with the EC2 launch type; got FARGATE');
    expectOk(ManifestSchema, service({ schedulingStrategy: 'DAEMON', launchType: 'EC2', desiredCount: undefined }));
  });

  it('requires containerName and containerPort with a load balancer target group', () => {
    const issues = issuesOf(ManifestSchema, service({ loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:x' }] }));
    expect(findIssue(issues, 'spec.loadBalancers.0.containerName')).toBeDefined();
    expect(findIssue(issues, 'spec.loadBalancers.0.containerPort')).toBeDefined();
  });

  it('accepts a task definition by manifest name, family:revision or ARN, and nothing else', () => {
    for (const ref of ['app', 'app:3', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:3']) {
      expectOk(ManifestSchema, service({ taskDefinition: ref }));
    }
    for (const ref of ['', 'app:latest', 'app:0', 'arn:aws:ecs:eu-west-1:1:service/x']) {
      expect(findIssue(issuesOf(ManifestSchema, service({ taskDefinition: ref })), 'spec.taskDefinition'), ref).toBeDefined();
    }
    const s = service();
    delete (s.spec as Record<string, unknown>).taskDefinition;
    expect(findIssue(issuesOf(ManifestSchema, s), 'spec.taskDefinition')).toBeDefined();
  });

  it('refuses a negative or fractional desiredCount', () => {
    expect(findIssue(issuesOf(ManifestSchema, service({ desiredCount: -1 })), 'spec.desiredCount')).toBeDefined();
    expect(findIssue(issuesOf(ManifestSchema, service({ desiredCount: 1.5 })), 'spec.desiredCount')).toBeDefined();
    expect(findIssue(issuesOf(ManifestSchema, service({ desiredCount: 'two' })), 'spec.desiredCount')).toBeDefined();
  });

  it('keeps awsvpc subnets to 1-16 and security groups to at most 5', () => {
    const net = (subnets: string[], securityGroups: string[]) => service({ networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups } } });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
    expectOk(ManifestSchema, net(ids(16), ids(5)));
    expect(findIssue(issuesOf(ManifestSchema, net([], [])), 'spec.networkConfiguration.awsvpcConfiguration.subnets')).toBeDefined();
    expect(findIssue(issuesOf(ManifestSchema, net(ids(17), [])), 'spec.networkConfiguration.awsvpcConfiguration.subnets')).toBeDefined();
    expect(findIssue(issuesOf(ManifestSchema, net(ids(1), ids(6))), 'spec.networkConfiguration.awsvpcConfiguration.securityGroups')).toBeDefined();
  });

  it('keeps capacity provider weight to 0-1000 and base to 0-100000', () => {
    const cps = (item: Record<string, unknown>) => service({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', ...item }] });
    expectOk(ManifestSchema, cps({ weight: 1000, base: 100000 }));
    expect(findIssue(issuesOf(ManifestSchema, cps({ weight: 1001 })), 'spec.capacityProviderStrategy.0.weight')).toBeDefined();
    expect(findIssue(issuesOf(ManifestSchema, cps({ base: 100001 })), 'spec.capacityProviderStrategy.0.base')).toBeDefined();
  });
});

describe('auto scaling', () => {
  const base = { minCapacity: 1, maxCapacity: 4 };

  it('refuses ALBRequestCountPerTarget without a resourceLabel', () => {
    const issues = issuesOf(
      ManifestSchema,
      service({ autoScaling: { ...base, targetTracking: [{ policyName: 'req', predefinedMetricType: 'ALBRequestCountPerTarget', targetValue: 100 }] } }),
    );
    expect(findIssue(issues, 'spec.autoScaling.targetTracking.0.resourceLabel')?.message).toMatch(/required with ALBRequestCountPerTarget/);
  });

  it('refuses a resourceLabel with a metric other than ALBRequestCountPerTarget', () => {
    const issues = issuesOf(AutoScalingSpecSchema, {
      ...base,
      targetTracking: [{ policyName: 'cpu', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 50, resourceLabel: 'app/x' }],
    });
    expect(findIssue(issues, 'targetTracking.0.resourceLabel')).toBeDefined();
  });

  it('needs exactly one of predefinedMetricType and customizedMetricSpecification', () => {
    expect(issuesOf(AutoScalingSpecSchema, { ...base, targetTracking: [{ policyName: 'p', targetValue: 50 }] })[0]?.message).toMatch(/exactly one/);
    const both = issuesOf(AutoScalingSpecSchema, {
      ...base,
      targetTracking: [
        {
          policyName: 'p',
          targetValue: 50,
          predefinedMetricType: 'ECSServiceAverageMemoryUtilization',
          customizedMetricSpecification: { metricName: 'm', namespace: 'n', statistic: 'Average' },
        },
      ],
    });
    expect(both[0]?.message).toMatch(/exactly one/);
  });

  it('refuses minCapacity above maxCapacity', () => {
    expect(findIssue(issuesOf(AutoScalingSpecSchema, { minCapacity: 5, maxCapacity: 2 }), 'maxCapacity')?.message).toBe('maxCapacity 2 is below minCapacity 5');
  });

  it('refuses two policies with the same name, across target tracking and step scaling', () => {
    const issues = issuesOf(AutoScalingSpecSchema, {
      ...base,
      targetTracking: [{ policyName: 'p', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 50 }],
      stepScaling: [{ policyName: 'p', adjustmentType: 'ChangeInCapacity', stepAdjustments: [{ scalingAdjustment: 1, metricIntervalLowerBound: 0 }] }],
    });
    expect(findIssue(issues, 'stepScaling.0.policyName')?.message).toMatch(/duplicate policyName "p"/);
  });

  it('refuses policy names with ":" or "/" or over 256 characters', () => {
    for (const policyName of ['a:b', 'a/b', '', 'x'.repeat(257)]) {
      const issues = issuesOf(AutoScalingSpecSchema, {
        ...base,
        targetTracking: [{ policyName, predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 50 }],
      });
      expect(findIssue(issues, 'targetTracking.0.policyName'), policyName).toBeDefined();
    }
  });

  it('checks scheduled action schedules and capacities', () => {
    const sched = (a: Record<string, unknown>) => ({ ...base, scheduled: [{ name: 'n', ...a }] });
    expectOk(AutoScalingSpecSchema, sched({ schedule: 'rate(5 minutes)', minCapacity: 1 }));
    expect(findIssue(issuesOf(AutoScalingSpecSchema, sched({ schedule: 'every day', minCapacity: 1 })), 'scheduled.0.schedule')).toBeDefined();
    expect(findIssue(issuesOf(AutoScalingSpecSchema, sched({ schedule: 'rate(1 hour)' })), 'scheduled.0.minCapacity')).toBeDefined();
    expect(
      findIssue(issuesOf(AutoScalingSpecSchema, sched({ schedule: 'rate(1 hour)', minCapacity: 3, maxCapacity: 1 })), 'scheduled.0.maxCapacity'),
    ).toBeDefined();
  });

  it('refuses an unknown adjustmentType and metricAggregationType', () => {
    const issues = issuesOf(AutoScalingSpecSchema, {
      ...base,
      stepScaling: [{ policyName: 's', adjustmentType: 'Absolute', metricAggregationType: 'Sum', stepAdjustments: [{ scalingAdjustment: 1 }] }],
    });
    expect(findIssue(issues, 'stepScaling.0.adjustmentType')).toBeDefined();
    expect(findIssue(issues, 'stepScaling.0.metricAggregationType')).toBeDefined();
  });
});

describe('JSON Schema', () => {
  const schema = manifestJsonSchema(REGISTRY.map((k) => k.manifestSchema)) as Json;

  it('is a draft 2020-12 schema with the manifest $id and a title', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://ecs-reconciler.dev/schema/manifest-v1.json');
    expect(typeof schema.title).toBe('string');
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('has a kind property in each of the three manifest variants', () => {
    for (const kind of ['Cluster', 'TaskDefinition', 'Service']) {
      const v = manifestVariant(kind);
      expect(props(v).kind).toMatchObject({ const: kind });
      expect(v.additionalProperties).toBe(false);
      expect(v.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
    }
  });

  it('lists firelensConfiguration, restartPolicy and systemControls for a container and refuses additional properties', () => {
    const container = objectNode(props(specNode('TaskDefinition')).containerDefinitions);
    expect(container?.additionalProperties).toBe(false);
    expect(Object.keys(props(container))).toEqual(expect.arrayContaining(['firelensConfiguration', 'restartPolicy', 'systemControls']));
    expect(container?.required).toEqual(expect.arrayContaining(['name', 'image']));
  });

  it('describes the input side: cpu as number or string, tags as map or list, with descriptions and enums', () => {
    const td = props(specNode('TaskDefinition'));
    expect(JSON.stringify(td.cpu)).toContain('"number"');
    expect(JSON.stringify(td.cpu)).toContain('"string"');
    expect((td.tags as Json).anyOf).toHaveLength(2);
    expect(typeof (td.containerDefinitions as Json).description).toBe('string');
    expect(td.networkMode).toMatchObject({ enum: ['awsvpc', 'bridge', 'host', 'none'] });
  });

  it('describes the service autoScaling block', () => {
    const as = objectNode(props(specNode('Service')).autoScaling);
    expect(Object.keys(props(as))).toEqual(
      expect.arrayContaining(['minCapacity', 'maxCapacity', 'suspendedState', 'targetTracking', 'stepScaling', 'scheduled']),
    );
  });
});

describe('completeness against the AWS SDK types', () => {
  it('has every ContainerDefinition field of the SDK, with every nested field', () => {
    const container = objectNode(props(specNode('TaskDefinition')).containerDefinitions);
    expect(container).toBeDefined();
    expect(sdkFields(ecsInterfaces, 'ContainerDefinition').length).toBeGreaterThan(40);
    expect(missingFields(ecsInterfaces, 'ContainerDefinition', container ?? {})).toEqual([]);
  });

  it('has every RegisterTaskDefinitionRequest field but family, with every nested field', () => {
    expect(missingFields(ecsInterfaces, 'RegisterTaskDefinitionRequest', specNode('TaskDefinition'), ['family'])).toEqual([]);
  });

  it('has every CreateServiceRequest field but serviceName, cluster and clientToken, with every nested field', () => {
    expect(missingFields(ecsInterfaces, 'CreateServiceRequest', specNode('Service'), ['serviceName', 'cluster', 'clientToken'])).toEqual([]);
  });

  it('has every CreateClusterRequest field but clusterName, with every nested field', () => {
    expect(missingFields(ecsInterfaces, 'CreateClusterRequest', specNode('Cluster'), ['clusterName'])).toEqual([]);
  });

  it('has every field of the TaskDefinition JSON file = RegisterTaskDefinitionRequest', () => {
    const json = z.toJSONSchema(TaskDefinitionJsonFileSchema, { io: 'input' }) as Json;
    expect(missingFields(ecsInterfaces, 'RegisterTaskDefinitionRequest', json)).toEqual([]);
  });

  it('has the Application Auto Scaling fields in camelCase in the autoScaling block', () => {
    const as = objectNode(props(specNode('Service')).autoScaling) ?? {};
    const p = props(as);
    expect(missingFields(aasInterfaces, 'SuspendedState', objectNode(p.suspendedState) ?? {}, [], 'suspendedState', new Set(), camel)).toEqual([]);
    const tt = objectNode(p.targetTracking) ?? {};
    expect(
      missingFields(aasInterfaces, 'TargetTrackingScalingPolicyConfiguration', tt, ['PredefinedMetricSpecification'], 'targetTracking', new Set(), camel),
    ).toEqual([]);
    expect(missingFields(aasInterfaces, 'PredefinedMetricSpecification', tt, [], 'targetTracking', new Set(), camel)).toEqual([]);
    expect(missingFields(aasInterfaces, 'StepScalingPolicyConfiguration', objectNode(p.stepScaling) ?? {}, [], 'stepScaling', new Set(), camel)).toEqual([]);
    expect(missingFields(aasInterfaces, 'ScalableTargetAction', objectNode(p.scheduled) ?? {}, [], 'scheduled', new Set(), camel)).toEqual([]);
    expect(
      missingFields(
        aasInterfaces,
        'PutScheduledActionRequest',
        objectNode(p.scheduled) ?? {},
        ['ServiceNamespace', 'ResourceId', 'ScalableDimension', 'ScalableTargetAction', 'ScheduledActionName'],
        'scheduled',
        new Set(),
        camel,
      ),
    ).toEqual([]);
  });

  it('uses the SDK enum values', () => {
    const ecs: [readonly string[], string][] = [
      [enums.NetworkMode, 'NetworkMode'],
      [enums.LaunchType, 'LaunchType'],
      [enums.Compatibility, 'Compatibility'],
      [enums.TransportProtocol, 'TransportProtocol'],
      [enums.ApplicationProtocol, 'ApplicationProtocol'],
      [enums.LogDriver, 'LogDriver'],
      [enums.ContainerCondition, 'ContainerCondition'],
      [enums.UlimitName, 'UlimitName'],
      [enums.ResourceType, 'ResourceType'],
      [enums.FirelensConfigurationType, 'FirelensConfigurationType'],
      [enums.VersionConsistency, 'VersionConsistency'],
      [enums.EnvironmentFileType, 'EnvironmentFileType'],
      [enums.DeviceCgroupPermission, 'DeviceCgroupPermission'],
      [enums.Scope, 'Scope'],
      [enums.EFSTransitEncryption, 'EFSTransitEncryption'],
      [enums.EFSAuthorizationConfigIAM, 'EFSAuthorizationConfigIAM'],
      [enums.TaskDefinitionPlacementConstraintType, 'TaskDefinitionPlacementConstraintType'],
      [enums.PidMode, 'PidMode'],
      [enums.IpcMode, 'IpcMode'],
      [enums.ProxyConfigurationType, 'ProxyConfigurationType'],
      [enums.CPUArchitecture, 'CPUArchitecture'],
      [enums.OSFamily, 'OSFamily'],
      [enums.ClusterSettingName, 'ClusterSettingName'],
      [enums.ExecuteCommandLogging, 'ExecuteCommandLogging'],
      [enums.AssignPublicIp, 'AssignPublicIp'],
      [enums.AvailabilityZoneRebalancing, 'AvailabilityZoneRebalancing'],
      [enums.SchedulingStrategy, 'SchedulingStrategy'],
      [enums.DeploymentControllerType, 'DeploymentControllerType'],
      [enums.PropagateTags, 'PropagateTags'],
      [enums.PlacementConstraintType, 'PlacementConstraintType'],
      [enums.PlacementStrategyType, 'PlacementStrategyType'],
      [enums.DeploymentStrategy, 'DeploymentStrategy'],
      [enums.DeploymentLifecycleHookTargetType, 'DeploymentLifecycleHookTargetType'],
      [enums.DeploymentLifecycleHookStage, 'DeploymentLifecycleHookStage'],
      [enums.DeploymentLifecycleHookAction, 'DeploymentLifecycleHookAction'],
      [enums.ThresholdType, 'ThresholdType'],
      [enums.ServiceRevisionCleanup, 'ServiceRevisionCleanup'],
      [enums.ServiceConnectAccessLoggingFormat, 'ServiceConnectAccessLoggingFormat'],
      [enums.ServiceConnectIncludeQueryParameters, 'ServiceConnectIncludeQueryParameters'],
      [enums.ServiceConnectContainerLogLevel, 'ServiceConnectContainerLogLevel'],
      [enums.EBSResourceType, 'EBSResourceType'],
      [enums.TaskFilesystemType, 'TaskFilesystemType'],
      [enums.GatewayConnectorHealthCheckProtocol, 'GatewayConnectorHealthCheckProtocol'],
      [enums.AccessType, 'AccessType'],
    ];
    for (const [ours, name] of ecs) expect([...ours].sort(), name).toEqual(sdkEnum(ecsModels, name));
    for (const [ours, name] of [
      [enums.AdjustmentType, 'AdjustmentType'],
      [enums.MetricAggregationType, 'MetricAggregationType'],
      [enums.MetricStatistic, 'MetricStatistic'],
    ] as const) {
      expect([...ours].sort(), name).toEqual(sdkEnum(aasModels, name));
    }
    const metricTypes = sdkEnum(aasModels, 'MetricType');
    expect(metricTypes).toEqual(expect.arrayContaining([...enums.EcsPredefinedMetricType]));
    expect(metricTypes.filter((t) => t.startsWith('ECSService') || t === 'ALBRequestCountPerTarget').sort()).toEqual([...enums.EcsPredefinedMetricType].sort());
  });
});

describe('types', () => {
  it('infers output types: string task cpu, tag maps, required containerDefinitions', () => {
    expectTypeOf<TaskDefinitionSpec['cpu']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ClusterSpec['tags']>().toEqualTypeOf<Record<string, string> | undefined>();
    expectTypeOf<ServiceSpec['tags']>().toEqualTypeOf<Record<string, string> | undefined>();
    expectTypeOf<TaskDefinitionSpec['containerDefinitions']>().toEqualTypeOf<ContainerDefinition[]>();
    expectTypeOf<ContainerDefinition['name']>().toEqualTypeOf<string>();
    expectTypeOf<AutoScalingSpec['minCapacity']>().toEqualTypeOf<number>();
    expectTypeOf<Manifest['kind']>().toEqualTypeOf<'CapacityProvider' | 'Cluster' | 'TaskDefinition' | 'Service'>();
    expectTypeOf<Annotations['ecs-reconciler/prune']>().toEqualTypeOf<'true' | 'false' | undefined>();
    // The input type accepts numbers where ECS wants strings, and both tag forms.
    type TdInput = Extract<ManifestInput, { kind: 'TaskDefinition' }>['spec'];
    expectTypeOf<256>().toExtend<NonNullable<TdInput['cpu']>>();
    expectTypeOf<'0.25 vCPU'>().toExtend<NonNullable<TdInput['cpu']>>();
    expectTypeOf<{ key: string; value: string }[]>().toExtend<NonNullable<TdInput['tags']>>();
    expect(ClusterSpecSchema).toBeDefined();
    expect(ServiceSpecSchema).toBeDefined();
  });
});
