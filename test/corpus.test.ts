// The real-world corpus (test/fixtures/corpus/): every task definition and service
// definition copied from a public source loads, normalizes to a fixed point, and, where
// AWS published the response for that very input, diffs to nothing against it.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/diff/normalize.js';
import { projectLiveService, projectLiveTaskDefinition } from '../src/diff/projection.js';
import { userTags } from '../src/diff/resource-diff.js';
import { normalizeService } from '../src/kinds/service/normalize.js';
import { normalizeTaskDefinition } from '../src/kinds/task-definition/normalize.js';
import { omit } from '../src/model/json.js';
import type { LiveRevision } from '../src/model/live.js';
import type { DesiredResource } from '../src/model/resource.js';
import {
  type CorpusFile,
  corpusServices,
  corpusTaskDefinitions,
  PUBLISHED_CLUSTER,
  parseCorpusFile,
  publishedOutputs,
  REFUSED_AS_ECS_REFUSES,
  SERVICE_TASK_DEFINITION,
} from './corpus-fixtures.js';
import { diff, estate, family, hashes, liveCluster, liveService, managedTags, REGION, revision } from './engine-fixtures.js';

type Json = Record<string, unknown>;

const taskDefinitions = corpusTaskDefinitions();
const services = corpusServices();
const all = [...taskDefinitions, ...services];

function loaded(file: CorpusFile): DesiredResource {
  const parsed = parseCorpusFile(file, REGION);
  expect(parsed.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path ?? ''}: ${p.message}`)).toEqual([]);
  expect(parsed.resources).toHaveLength(1);
  const resource = parsed.resources[0]!;
  expect(resource.kind).toBe(file.kind);
  return resource;
}

function byStem(stem: string): CorpusFile {
  const f = all.find((x) => x.stem === stem);
  if (!f) throw new Error(`no corpus file ${stem}`);
  return f;
}

describe('the real-world corpus', () => {
  it('holds at least 40 task definitions and 10 service definitions, each naming its public source on its first line', () => {
    expect(taskDefinitions.length).toBeGreaterThanOrEqual(40);
    expect(services.length).toBeGreaterThanOrEqual(10);
    for (const f of all) {
      expect(f.text.split('\n')[0], f.path).toMatch(
        f.kind === 'Service'
          ? /^# Source: https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//
          : /^\/\/ Source: https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//,
      );
    }
  });

  it('pairs every service with a task definition of the corpus (or none, for an EXTERNAL controller), never one ECS refuses', () => {
    expect([...SERVICE_TASK_DEFINITION.keys()].sort()).toEqual(services.map((s) => s.stem));
    for (const td of SERVICE_TASK_DEFINITION.values()) {
      if (!td) continue;
      expect(byStem(td).kind).toBe('TaskDefinition');
      // the emulator test applies each service with its task definition
      expect(REFUSED_AS_ECS_REFUSES.has(byStem(td).path), td).toBe(false);
    }
  });
});

describe.each(all.filter((f) => !REFUSED_AS_ECS_REFUSES.has(f.path)).map((f) => [f.path, f] as const))('%s', (_path, file) => {
  it('loads as one manifest, with no problem', () => {
    loaded(file);
  });

  it('normalizes its tags apart from the rest: the normalized spec less its tags is the spec less its tags normalized', () => {
    // the task definition diff reads its target off the normalized manifest it hashed (src/kinds/task-definition/diff.ts)
    if (file.kind === 'Service') return;
    const spec = { ...loaded(file).spec, tags: { team: 'web', 'com.example/owner': 'platform', empty: '' } };
    expect(omit(normalizeTaskDefinition(spec), 'tags')).toStrictEqual(normalizeTaskDefinition(omit(spec, 'tags')));
  });

  it('normalizes to a fixed point: normalizing the normalized spec changes nothing', () => {
    const spec = loaded(file).spec;
    const normalize = file.kind === 'Service' ? normalizeService : normalizeTaskDefinition;
    const once = normalize(spec);
    const twice = normalize(once);
    expect(twice).toStrictEqual(once);
    expect(canonicalJson(twice)).toBe(canonicalJson(once));
  });
});

describe('published files that ECS itself refuses are refused at load, for the reason ECS gives', () => {
  it.each([...REFUSED_AS_ECS_REFUSES].map(([path, why]) => [path, why] as const))('%s', (path, why) => {
    const file = all.find((f) => f.path === path)!;
    const parsed = parseCorpusFile(file, REGION);
    expect(parsed.resources, why.ecs).toEqual([]);
    const problems = parsed.problems.map((p) => `${p.path ?? ''}: ${p.message}`);
    expect(
      problems.some((m) => why.problem.test(m)),
      problems.join('; '),
    ).toBe(true);
  });
});

function tdArnParts(arn: string): { family: string; revision: number } {
  const m = /task-definition\/([^:]+):(\d+)$/.exec(arn);
  if (!m) throw new Error(`not a task definition revision ARN: ${arn}`);
  return { family: m[1]!, revision: Number(m[2]) };
}

function tagMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(list)) for (const t of list as Array<{ key: string; value: string }>) out[t.key] = t.value;
  return out;
}

describe('published outputs: the response AWS printed for a corpus input diffs to nothing against that input', () => {
  describe.each(publishedOutputs().map((p) => [p.path, p] as const))('%s', (_path, published) => {
    const input = byStem(published.inputStem);
    it(`is in sync with ${input.path}`, () => {
      const desired = loaded(input);
      if (input.kind === 'TaskDefinition') {
        const td = published.output.taskDefinition as Json;
        const { revision: n } = tdArnParts(String(td.taskDefinitionArn));
        const hash = hashes([desired])[`TaskDefinition/${REGION}/${desired.name}`]!;
        const live = revision(desired.name, n, projectLiveTaskDefinition(td), managedTags(hash, userTags(tagMap(published.output.tags))));
        const [d] = diff([desired], estate({ families: [family([live])] }));
        expect(d!.changes, JSON.stringify(d!.changes)).toEqual([]);
        expect(d!.state).toBe('in-sync');
        return;
      }
      const svc = (published.output.service ?? (published.output.services as Json[])[0]) as Json;
      const desiredList = [desired];
      const tdStem = SERVICE_TASK_DEFINITION.get(input.stem);
      const ref = String(desired.spec.taskDefinition ?? '');
      const isManifestRef = tdStem !== undefined && !ref.includes(':');
      const tdDesired = tdStem ? loaded(byStem(tdStem)) : undefined;
      if (isManifestRef && tdDesired) desiredList.unshift(tdDesired);
      const h = hashes(desiredList);
      const families = [];
      let primary: LiveRevision | undefined;
      const primaryArn = projectLiveService(svc).taskDefinition;
      if (typeof primaryArn === 'string' && tdDesired) {
        const { family: fam, revision: n } = tdArnParts(primaryArn);
        // The revision's own content is not what this pair publishes: the service's is. It
        // holds the corpus task definition, as the tutorial registered it.
        primary = revision(fam, n, tdDesired.spec, isManifestRef ? managedTags(h[`TaskDefinition/${REGION}/${fam}`]) : {});
        families.push(family([primary]));
      }
      const live = liveService({
        name: desired.name,
        cluster: desired.cluster!,
        spec: projectLiveService(svc),
        tags: managedTags(h[`Service/${REGION}/${desired.cluster}/${desired.name}`], userTags(tagMap(svc.tags))),
        ...(primary ? { primary } : { primary: revision('none', 1, {}, {}) }),
      });
      if (!primary) {
        // EXTERNAL controller: no task definition, no deployment.
        delete live.primaryRevision;
        live.deployments = [];
        delete live.spec.taskDefinition;
      }
      const clusterSpec = PUBLISHED_CLUSTER.get(input.stem);
      const clusters = clusterSpec ? [liveCluster(desired.cluster!, clusterSpec, {})] : [];
      const diffs = diff(desiredList, estate({ services: [live], families, clusters }));
      const d = diffs.find((x) => x.kind === 'Service')!;
      expect(d.changes, JSON.stringify(d.changes)).toEqual([]);
      expect(d.state).toBe('in-sync');
    });
  });
});
