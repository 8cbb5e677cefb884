// Keys named like Object.prototype members, from a manifest or from live ECS, are keys
// like any other in every map the pipeline keeps: tags, docker labels, log options,
// environment names, report indexes and history.
import { describe, expect, it } from 'vitest';
import { tagsFromList } from '../src/aws/index.js';
import { orderManifest } from '../src/export/order.js';
import { parseManifestText } from '../src/manifests/index.js';
import { emptyRecord } from '../src/model/own-keys.js';
import type { DesiredResource } from '../src/model/resource.js';
import { planEstate } from '../src/pipeline/plan.js';
import { buildReport } from '../src/report/build-report.js';
import { annotateHistory, passRecordOf } from '../src/report/history.js';
import { Redactor } from '../src/report/redact.js';
import { renderPage } from '../src/report/render-html.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import { CLUSTER_ID, diff, estate, family, hashes, liveCluster, liveClusterSpec, managedTags, revision, TD_ID } from './engine-fixtures.js';

const KEYS = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];
const NOW = new Date('2026-12-01T00:00:00.000Z');

function load(text: string): DesiredResource[] {
  const parsed = parseManifestText('estate.yaml', text, { vars: new Map(), defaultRegion: 'eu-west-1' });
  expect(parsed.problems).toEqual([]);
  return parsed.resources;
}

const flowMap = (prefix: string) => `{ ${KEYS.map((k) => `${k}: "${prefix}-${k}"`).join(', ')} }`;
const asMap = (prefix: string) => {
  const out: Record<string, string> = Object.create(null);
  for (const k of KEYS) out[k] = `${prefix}-${k}`;
  return out;
};

const CLUSTER = `apiVersion: ecs-reconciler/v1
kind: Cluster
metadata: { name: prod }
spec:
  settings: [{ name: containerInsights, value: enabled }]
  tags: ${flowMap('t')}
`;

const TASK_DEFINITION = `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata: { name: app }
spec:
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: app
      image: nginx:1.27
      dockerLabels: ${flowMap('l')}
      logConfiguration: { logDriver: awslogs, options: ${flowMap('o')} }
      environment: [${KEYS.map((k) => `{ name: ${k}, value: "e-${k}" }`).join(', ')}]
`;

function renderEverything(r: ReturnType<typeof buildReport>): string[] {
  return [renderText(r), renderText(r, { verbose: true }), renderMarkdown(r), renderPage(r, {}), JSON.stringify(r)];
}

describe('keys named like Object.prototype members', () => {
  it('a manifest keeps every one of them, __proto__ included, in tags, labels and log options', () => {
    const [cluster] = load(CLUSTER);
    expect(Object.keys(cluster!.spec.tags as object).sort()).toEqual([...KEYS].sort());
    expect((cluster!.spec.tags as Record<string, string>).__proto__).toBe('t-__proto__');
    const [td] = load(TASK_DEFINITION);
    const c = (td!.spec.containerDefinitions as Array<Record<string, Record<string, unknown>>>)[0]!;
    expect(Object.keys(c.dockerLabels!).sort()).toEqual([...KEYS].sort());
    expect(Object.keys(c.logConfiguration!.options as object).sort()).toEqual([...KEYS].sort());
  });

  it('live tags with them read back as they are', () => {
    const tags = tagsFromList(KEYS.map((key) => ({ key, value: `t-${key}` })));
    expect(Object.keys(tags).sort()).toEqual([...KEYS].sort());
    expect(tags.__proto__).toBe('t-__proto__');
    expect(tagsFromList([]).constructor).toBeUndefined();
  });

  it('the same keys on both sides are in-sync; report, history and every format render', () => {
    const [cluster] = load(CLUSTER);
    const h = hashes([cluster!]);
    const live = liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], asMap('t')));
    const diffs = diff([cluster!], estate({ clusters: [live] }));
    expect(diffs[0]).toMatchObject({ state: 'in-sync', changes: [] });
    const report = buildReport({
      diffs,
      plan: planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' }),
      problems: [],
      loadComplete: true,
      controllerId: 'default',
      mode: 'plan',
      now: NOW,
    });
    for (const out of renderEverything(report)) expect(out.length).toBeGreaterThan(0);
    const history = annotateHistory(report, [passRecordOf(report, 1)]);
    expect(history.resources[0]!.history).toMatchObject({ passesInState: 2 });
  });

  it('an out-of-band tag "constructor" (and each of the others) is one drifted change and one tag action, in every format', () => {
    for (const key of KEYS) {
      const [cluster] = load(
        `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: prod }\nspec:\n  settings: [{ name: containerInsights, value: enabled }]\n  tags: { team: web }\n`,
      );
      const h = hashes([cluster!]);
      const live = liveCluster('prod', liveClusterSpec(), managedTags(h[CLUSTER_ID], { team: 'web', ...tagsFromList([{ key, value: 'by-hand' }]) }));
      const diffs = diff([cluster!], estate({ clusters: [live] }));
      expect(diffs[0]!.state, key).toBe('drifted');
      expect(
        diffs[0]!.changes.map((c) => [c.path, c.live, c.desired]),
        key,
      ).toEqual([[`tags.${key}`, 'by-hand', undefined]]);
      const plan = planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });
      expect(plan.actions, key).toHaveLength(1);
      const report = buildReport({ diffs, plan, problems: [], loadComplete: true, controllerId: 'default', mode: 'plan', now: NOW });
      for (const out of renderEverything(report)) expect(out, key).toContain(key);
    }
  });

  it('a task definition with them in labels, log options and environment is in-sync with its live revision', () => {
    const [td] = load(TASK_DEFINITION);
    const h = hashes([td!]);
    const liveSpec = JSON.parse(JSON.stringify({ ...td!.spec, volumes: [], placementConstraints: [] })) as Record<string, unknown>;
    const fam = family([revision('app', 1, liveSpec, managedTags(h[TD_ID]))]);
    const diffs = diff([td!], estate({ families: [fam] }));
    expect(diffs[0]).toMatchObject({ state: 'in-sync', changes: [] });
  });

  it('the redactor and the export order walk them as keys', () => {
    const red = new Redactor(['valueOf']);
    const walked = red.deep({ dockerLabels: asMap('l'), environment: KEYS.map((k) => ({ name: k, value: 'v' })) }) as {
      dockerLabels: Record<string, string>;
      environment: Array<{ value: string }>;
    };
    expect(Object.keys(walked.dockerLabels).sort()).toEqual([...KEYS].sort());
    expect(walked.dockerLabels.valueOf).toMatch(/^redacted:hmac:/);
    expect(walked.dockerLabels.constructor).toBe('l-constructor');
    const ordered = orderManifest('Cluster', { apiVersion: 'ecs-reconciler/v1', kind: 'Cluster', metadata: { name: 'prod' }, spec: { tags: asMap('t') } }) as {
      spec: { tags: Record<string, string> };
    };
    expect(Object.keys(ordered.spec.tags).sort()).toEqual([...KEYS].sort());
  });
});

describe('emptyRecord (every map keyed by outside data)', () => {
  it('has no prototype: each of those keys is its own, read, listed and serialized like any other', () => {
    const r = emptyRecord<string>();
    expect(Object.getPrototypeOf(r)).toBeNull();
    for (const k of KEYS) expect(r[k]).toBeUndefined();
    for (const k of KEYS) r[k] = `v-${k}`;
    expect(Object.keys(r)).toEqual(KEYS);
    expect(Object.getPrototypeOf(r)).toBeNull();
    expect(JSON.parse(JSON.stringify(r))).toEqual(Object.fromEntries(KEYS.map((k) => [k, `v-${k}`])));
    expect(Object.hasOwn(r, '__proto__')).toBe(true);
  });
});
