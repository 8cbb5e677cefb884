// Every format from one fixture: a drifted service with a failing deployment and auto
// scaling, a pending task definition, an in-sync cluster, a problem, and history.
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { planEstate } from '../src/pipeline/plan.js';
import { buildReport } from '../src/report/build-report.js';
import { annotateHistory, type PassRecord, passRecordOf } from '../src/report/history.js';
import { type Report, ReportSchema, reportJsonSchema } from '../src/report/model.js';
import { renderPage } from '../src/report/render-html.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import { CLUSTER_ID, desired, diff, estate, liveService, liveServiceSpec, SVC_ID, serviceSpec, syncedEstate, TD_ID, tdSpec } from './engine-fixtures.js';

function fixtureReport(): Report {
  const s = syncedEstate();
  const svcDesired = desired(
    'Service',
    'web',
    serviceSpec({
      autoScaling: {
        minCapacity: 2,
        maxCapacity: 6,
        targetTracking: [{ policyName: 'cpu60', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 60 }],
      },
    }),
    { cluster: 'prod' },
  );
  const live = liveService({ name: 'web', spec: liveServiceSpec({ desiredCount: 9 }), tags: s.live.service.tags, primary: s.live.rev5 });
  live.scaling = {
    minCapacity: 2,
    maxCapacity: 6,
    targetTracking: [{ policyName: 'cpu60', predefinedMetricType: 'ECSServiceAverageCPUUtilization', targetValue: 60 }],
  };
  live.deployments[0] = { ...live.deployments[0]!, id: 'ecs-svc/1', rolloutState: 'IN_PROGRESS', failedTasks: 2, runningCount: 1 };
  live.runningCount = 1;
  live.pendingCount = 8;
  live.stoppedTasks = [
    {
      arn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0abc',
      lastStatus: 'STOPPED',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: '2026-11-26T10:00:00.000Z',
    },
  ];
  live.events = [{ at: '2026-11-26T10:01:00.000Z', message: '(service web) has started 1 tasks: (task 0abc).' }];
  const td = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28', env: [{ name: 'DB_PASSWORD', value: 'hunter2-planted' }] }));
  const diffs = diff([s.desired[0]!, td, svcDesired], estate({ clusters: [s.live.cluster], families: [s.live.family], services: [live] }));
  const plan = planEstate(diffs, { prune: false, loadComplete: false, keepRevisions: 5, controllerId: 'default' });
  const report = buildReport({
    diffs,
    plan,
    problems: [
      { stage: 'validate', file: 'broken.yaml', line: 3, column: 5, path: 'spec.desiredCont', message: 'unknown field', hint: 'did you mean "desiredCount"?' },
    ],
    loadComplete: false,
    controllerId: 'default',
    mode: 'report',
    now: new Date('2026-11-26T12:00:00.000Z'),
    gitRevision: '0123456789abcdef0123456789abcdef01234567',
  });
  const previous: PassRecord[] = ['in-sync', 'drifted', 'in-sync', 'drifted', 'in-sync', 'drifted'].map((st, i) => ({
    pass: i + 1,
    at: `2026-11-26T11:0${i}:00.000Z`,
    states: { [SVC_ID]: st as 'in-sync' | 'drifted', [CLUSTER_ID]: 'in-sync', [TD_ID]: 'in-sync' },
  }));
  return annotateHistory(report, previous);
}

// ajv is CommonJS: its class is the module's default export under NodeNext
type AjvClass = new (opts: Record<string, unknown>) => { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: unknown } };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as unknown as AjvClass;

describe('one report, every format', () => {
  const report = fixtureReport();

  it('the fixture holds what every format must show', () => {
    const svc = report.resources.find((r) => r.id === SVC_ID)!;
    expect(svc.state).toBe('pending');
    expect(svc.health).toMatchObject({ rolloutState: 'IN_PROGRESS', runningCount: 1, failedTasks: 2, tasks: { RUNNING: 1, STOPPED: 1 } });
    expect(svc.history).toMatchObject({ flapping: true, driftedPasses: 3, since: '2026-11-26T12:00:00.000Z', passesInState: 1 });
    expect(svc.scaling).toMatchObject({ desiredCount: 9, minCapacity: 2, maxCapacity: 6, desiredCountCause: 'manifest' });
  });

  it('JSON validates against the published schema (and the schema rejects a broken report)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(reportJsonSchema());
    const json = JSON.parse(JSON.stringify(report));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(ReportSchema.safeParse(json).success).toBe(true);
    expect(validate({ ...json, resources: [{ ...json.resources[0], state: 'sideways' }] })).toBe(false);
  });

  it('text: states, field changes, health of a failing deployment, flapping, problems', () => {
    const text = renderText(report);
    expect(text).toContain(`~ pending  ${SVC_ID}`);
    expect(text).toContain('desiredCount: 9 → 6\n');
    expect(text).toContain('health: 1/9 running, 8 pending, rollout IN_PROGRESS, 2 failed task(s)');
    expect(text).toContain('stopped 0abc: Essential container in task exited');
    expect(text).toContain('flapping');
    expect(text).toContain('broken.yaml:3:5 spec.desiredCont: unknown field (did you mean "desiredCount"?)');
    expect(text).toContain('Some manifests did not load: nothing is pruned until they do.');
  });

  it('markdown: a summary table, then a collapsible section per changed resource', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| resource | state | since | health | changes | actions |');
    expect(md).toContain(`| \`${SVC_ID}\` | pending ⚠ flapping | 2026-11-26T12:00:00.000Z | 1/9 running, in_progress, 2 failed |`);
    expect(md).toContain(`<details><summary><code>${SVC_ID}</code>: pending</summary>`);
    expect(md).toContain(`<details><summary><code>${TD_ID}</code>: pending</summary>`);
    expect(md).not.toContain(`<details><summary><code>${CLUSTER_ID}</code>`);
    expect(md).toContain('- stopped task 0abc: Essential container in task exited');
  });

  it('html: a table of resources with state, health and changes; filters; usable without script', () => {
    const html = renderPage(report, { show: 'all' });
    expect(html).toContain('<form id="filters" method="get" action="/">');
    expect(html.match(/<tr class="resource /g)).toHaveLength(3);
    // the default lists what has something to do and counts the rest
    const changedOnly = renderPage(report, {});
    expect(changedOnly.match(/<tr class="resource /g)).toHaveLength(2);
    expect(changedOnly).toContain('1 in-sync resource(s) not listed (show: all lists them).');
    expect(html).toContain(`data-id="${SVC_ID}" data-state="pending" data-cluster="prod"`);
    expect(html).toContain('1/9 running, 8 pending');
    expect(html).toContain('<span class="flap">flapping</span>');
    const filtered = renderPage(report, { state: 'pending' });
    expect(filtered.match(/<tr class="resource /g)).toHaveLength(2);
    expect(filtered).toContain('<option value="pending" selected>');
  });

  it('no format shows a sensitive environment value', () => {
    for (const out of [renderText(report, { verbose: true }), renderMarkdown(report), renderPage(report, {}), JSON.stringify(report)]) {
      expect(out).not.toContain('hunter2-planted');
    }
    expect(JSON.stringify(report)).toMatch(/redacted:hmac:[0-9a-f]{16}/);
  });
});

describe('drift over time', () => {
  it('a resource in the same state for several passes says since when', () => {
    const base = fixtureReport();
    const records: PassRecord[] = [
      passRecordOf({ ...base, generatedAt: '2026-11-26T09:00:00.000Z' }, 1),
      passRecordOf({ ...base, generatedAt: '2026-11-26T10:00:00.000Z' }, 2),
    ];
    const annotated = annotateHistory(base, records);
    const td = annotated.resources.find((r) => r.id === TD_ID)!;
    expect(td.history).toEqual({ since: '2026-11-26T09:00:00.000Z', passesInState: 3, driftedPasses: 0, flapping: false });
  });

  it('a resource with no history starts now and does not flap', () => {
    const r = annotateHistory(fixtureReport(), []).resources.find((x) => x.id === CLUSTER_ID)!;
    expect(r.history).toEqual({ since: '2026-11-26T12:00:00.000Z', passesInState: 1, driftedPasses: 0, flapping: false });
  });
});
