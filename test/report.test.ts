// The report: one model (buildReport), rendered as text, Markdown and JSON; sensitive
// environment values never appear in any of them.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactorFrom } from '../src/cli/reconcile-flags.js';
import type { ResourceDiff } from '../src/diff/types.js';
import { planEstate } from '../src/pipeline/plan.js';
import type { Plan } from '../src/plan/types.js';
import { type BuildReportInput, buildReport } from '../src/report/build-report.js';
import { Redactor } from '../src/report/redact.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import {
  CLUSTER_ID,
  clusterSpec,
  desired,
  diff,
  estate,
  family,
  hashes,
  liveTdSpec,
  managedTags,
  revision,
  SVC_ID,
  serviceSpec,
  syncedEstate,
  TD_ID,
  tdSpec,
} from './engine-fixtures.js';

const NOW = new Date('2025-01-02T03:04:05.000Z');

function report(diffs: ResourceDiff[], extra: Partial<BuildReportInput> = {}) {
  const plan: Plan = extra.plan ?? planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });
  return buildReport({ diffs, plan, problems: [], loadComplete: true, controllerId: 'default', mode: 'plan', now: NOW, ...extra });
}

function renderAll(r: ReturnType<typeof report>): string[] {
  return [renderText(r), renderText(r, { verbose: true }), renderMarkdown(r), JSON.stringify(r), JSON.stringify(r, null, 2)];
}

/** An estate with one change of each kind: image (TD, and so the service), a tag (cluster), one in sync. */
function mixedEstate() {
  const s = syncedEstate();
  const c = desired('Cluster', 'prod', clusterSpec({ tags: { team: 'api' } }));
  const t = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28' }));
  const live = estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] });
  return diff([c, t, s.desired[2]!], live);
}

describe('text', () => {
  it('shows one line per resource with its state, then path: live → desired lines', () => {
    const text = renderText(report(mixedEstate()));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Plan (controller "default"):');
    expect(lines.filter((l) => /^ {2}\S \S+\s+\S+\/eu-west-1\//.test(l))).toHaveLength(3);
    expect(text).toContain(`~ pending  ${CLUSTER_ID}: the manifest changed`);
    expect(text).toContain('      tags.team: "web" → "api"\n');
    expect(text).toContain(`~ pending  ${TD_ID}`);
    expect(text).toContain('      containerDefinitions[name=app].image: "nginx:1.27" → "nginx:1.28"\n');
    expect(text).toContain(`~ pending  ${SVC_ID}`);
    expect(text).toContain('      taskDefinition: "app:5" → "app (a new revision)"\n');
    expect(text).toContain('      → register-task-definition: ');
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 resource(s): 3 pending; 3 action(s) planned.');
  });

  it('an in-sync estate reads as in sync, with no reasons or changes', () => {
    const s = syncedEstate();
    const r = report(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] })));
    const text = renderText(r, { show: 'all' });
    expect(text).toContain(`  = in-sync  ${CLUSTER_ID}\n`);
    expect(text).not.toContain('→');
    expect(text).toContain('3 resource(s): 3 in-sync; 0 action(s) planned.');
    // by default (--show changed) in-sync resources are counted, not listed
    const short = renderText(r);
    expect(short).not.toContain(`in-sync  ${CLUSTER_ID}`);
    expect(short).toContain('  3 in-sync resource(s) not listed (--show all lists them).\n');
    expect(short).toContain('3 resource(s): 3 in-sync; 0 action(s) planned.');
  });

  it("gives a service the same health block while its live record's fields are the same objects (the daemon keeps an unchanged record: issue 19), and a new one when one is replaced", () => {
    const s = syncedEstate();
    const healthIn = (service: typeof s.live.service) =>
      report(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [service] }))).resources.find((r) => r.id === SVC_ID)!
        .health as { runningCount: number };
    const first = healthIn(s.live.service);
    expect(healthIn(s.live.service)).toBe(first);
    // the live read replaces a field, never edits one in place: a new value is a new health block
    s.live.service.runningCount = first.runningCount + 3;
    const after = healthIn(s.live.service);
    expect(after).not.toBe(first);
    expect(after.runningCount).toBe(first.runningCount + 3);
    // an equal record that is another object is built anew, equal
    expect(healthIn({ ...s.live.service })).toEqual(after);
  });

  it("marks drift caused out-of-band and the autoscaler's desiredCount", () => {
    const svc = desired('Service', 'web', serviceSpec({ autoScaling: { minCapacity: 1, maxCapacity: 4 } }));
    const s = syncedEstate({ svc });
    const live = { ...s.live.service, desiredCount: 3, spec: { ...s.live.service.spec, desiredCount: 3 }, tags: { ...s.live.service.tags, team: 'x' } };
    const text = renderText(report(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [live] }))));
    expect(text).toContain('      tags.team: "x" → (unset) (out-of-band)');
    expect(text).toContain('      desiredCount: 3 → 2 (autoscaler) [owned by the autoscaler, not reverted]');
  });

  it('says when manifests did not load and lists problems', () => {
    const r = report([], { loadComplete: false, problems: [{ stage: 'load', file: 'a.yaml', line: 2, column: 3, message: 'bad' }] });
    const text = renderText(r);
    expect(text).toContain('(no resources)');
    expect(text).toContain('  a.yaml:2:3 bad');
    expect(text).toContain('nothing is pruned');
  });
});

describe('markdown', () => {
  it('has a summary table and a <details> section per changed resource', () => {
    const s = syncedEstate();
    const diffs = diff(
      [desired('Cluster', 'prod', clusterSpec({ tags: { team: 'a|b' } })), s.desired[1]!, s.desired[2]!],
      estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }),
    );
    const md = renderMarkdown(report(diffs, { gitRevision: '0123456789abcdef0123' }));
    expect(md).toContain('### ecs-reconciler plan at `0123456789ab`');
    expect(md).toContain('| state | count |\n| --- | ---: |\n| in-sync | 2 |\n| pending | 1 |');
    expect(md).toContain(`| \`${CLUSTER_ID}\` | pending | — | 0 task(s) | 1 | tag-resource |`);
    // in-sync resources are counted, not listed, unless --show all
    expect(md).not.toContain(`| \`${TD_ID}\` |`);
    expect(md).toContain('2 in-sync resource(s) not listed');
    expect(renderMarkdown(report(diffs), { show: 'all' })).toContain(`| \`${TD_ID}\` | in-sync | — | — | 0 | — |`);
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md).toContain(`<details><summary><code>${CLUSTER_ID}</code>: pending</summary>`);
    expect(md).toContain('| `tags.team` | `"web"` | `"a\\|b"` | manifest |');
    expect(md).toContain('</details>');
  });

  it('a refused replacement is shown as not applied', () => {
    const s = syncedEstate();
    const svc = desired('Service', 'web', serviceSpec({ launchType: 'EC2' }));
    const diffs = diff([s.desired[0]!, s.desired[1]!, svc], estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }));
    const md = renderMarkdown(report(diffs));
    expect(md).toContain('- **not applied**: launchType cannot change in place');
    expect(renderText(report(diffs))).toContain('      ✗ launchType cannot change in place');
  });
});

describe('json', () => {
  it('round-trips through JSON', () => {
    const r = report(mixedEstate());
    const back = JSON.parse(JSON.stringify(r)) as unknown;
    expect(back).toEqual(r);
    expect(r).toMatchObject({ schemaVersion: 1, generatedAt: '2025-01-02T03:04:05.000Z', mode: 'plan', summary: { resources: 3, actionsPlanned: 3 } });
    expect(r.summary.byState).toEqual({
      'in-sync': 0,
      pending: 3,
      drifted: 0,
      missing: 0,
      orphaned: 0,
      conflict: 0,
      invalid: 0,
      unknown: 0,
      degraded: 0,
      fighting: 0,
      retained: 0,
    });
  });

  it('carries apply outcomes', () => {
    const diffs = mixedEstate();
    const plan = planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });
    const results = [
      { action: plan.actions[0]!, outcome: 'applied' as const, durationMs: 3 },
      { action: plan.actions[1]!, outcome: 'failed' as const, message: 'ThrottlingException', durationMs: 4 },
    ];
    const r = report(diffs, { plan, results, mode: 'apply' });
    expect(r.summary).toMatchObject({ actionsApplied: 1, actionsFailed: 1 });
    expect(r.resources.find((x) => x.id === TD_ID)!.actions[0]).toMatchObject({ outcome: 'failed', message: 'ThrottlingException' });
    expect(renderText(r)).toContain('→ register-task-definition failed: ');
    expect(renderText(r)).toContain(': ThrottlingException');
  });
});

describe('redaction', () => {
  const SECRETS: Record<string, string> = {
    DB_PASSWORD: 'planted-pw-7f3a91',
    api_secret: 'planted-secret-0c2d',
    GITHUB_TOKEN: 'planted-token-55e1',
    SIGNING_KEY: 'planted-key-9b8a',
    AwsCredentials: 'planted-cred-4d4d',
  };
  const HARMLESS = { name: 'LOG_LEVEL', value: 'harmless-debug-value' };

  function expectNoSecret(strings: string[]) {
    for (const out of strings) for (const v of Object.values(SECRETS)) expect(out, `leaks ${v}`).not.toContain(v);
  }

  const env = (secretSuffix: string, logLevel: string) => [
    ...Object.entries(SECRETS).map(([name, value]) => ({ name, value: `${value}${secretSuffix}` })),
    { name: HARMLESS.name, value: logLevel },
  ];

  it('a changed sensitive variable shows neither value, a harmless one shows both', () => {
    const t = desired('TaskDefinition', 'app', tdSpec({ env: env('-new', HARMLESS.value) }));
    const fam = family([revision('app', 5, liveTdSpec({ env: env('-old', 'info') }), managedTags(hashes([t])[TD_ID]))]);
    const diffs = diff([t], estate({ families: [fam] }));
    expect(diffs[0]!.changes.map((c) => c.path)).toContain('containerDefinitions[name=app].environment[name=DB_PASSWORD].value');
    const r = report(diffs);
    const all = renderAll(r);
    expectNoSecret(all);
    for (const out of all) {
      expect(out).toContain(HARMLESS.value);
      expect(out).toMatch(/redacted:hmac:[0-9a-f]{16}/);
    }
  });

  it('variables added or removed whole, or a whole environment list, are redacted inside', () => {
    const t = desired('TaskDefinition', 'app', tdSpec({ env: env('', HARMLESS.value) }));
    const withOne = family([revision('app', 5, liveTdSpec({ env: [{ name: 'DB_PASSWORD', value: 'planted-pw-7f3a91-old' }] }), managedTags('x'))]);
    const none = family([revision('app', 5, liveTdSpec({ env: [] }), managedTags('x'))]);
    for (const fam of [withOne, none]) {
      const r = report(diff([t], estate({ families: [fam] })));
      const all = renderAll(r);
      expectNoSecret(all);
      expect(all.join('\n')).toContain(HARMLESS.value);
    }
    // and the other way: the manifest drops them
    const r = report(
      diff(
        [desired('TaskDefinition', 'app', tdSpec({ env: [] }))],
        estate({ families: [family([revision('app', 5, liveTdSpec({ env: env('', 'info') }), managedTags('x'))])] }),
      ),
    );
    expectNoSecret(renderAll(r));
  });

  it('a whole container added or a task definition registered by hand leaks nothing', () => {
    const t = desired('TaskDefinition', 'app', {
      ...tdSpec({ env: env('', 'x') }),
      containerDefinitions: [
        ...(tdSpec({ env: env('', 'x') }).containerDefinitions as object[]),
        { name: 'side', image: 'envoy', environment: env('-side', 'y') },
      ],
    });
    const r = report(diff([t], estate({ families: [family([revision('app', 5, liveTdSpec({ env: env('', 'x') }), managedTags('x'))])] })));
    expect(r.resources[0]!.changes.map((c) => c.path)).toEqual(['containerDefinitions[name=side]']);
    expectNoSecret(renderAll(r));
  });

  it('duplicate variable names (compared by position) leak nothing', () => {
    const dup = (v: string) => [
      { name: 'DB_PASSWORD', value: `${SECRETS.DB_PASSWORD}-${v}1` },
      { name: 'DB_PASSWORD', value: `${SECRETS.DB_PASSWORD}-${v}2` },
    ];
    const t = desired('TaskDefinition', 'app', tdSpec({ env: dup('new') }));
    const r = report(diff([t], estate({ families: [family([revision('app', 5, liveTdSpec({ env: dup('old') }), managedTags('x'))])] })));
    expect(r.resources[0]!.changes.length).toBeGreaterThan(0);
    expectNoSecret(renderAll(r));
  });

  it('an ignored sensitive variable is redacted in the ignored list too', () => {
    const t = desired('TaskDefinition', 'app', tdSpec({ env: env('-new', 'x') }), {
      annotations: { 'ecs-reconciler/ignore': 'containerDefinitions[name=app].environment[name=DB_PASSWORD].value' },
    });
    const r = report(diff([t], estate({ families: [family([revision('app', 5, liveTdSpec({ env: env('-old', 'x') }), managedTags('x'))])] })));
    expect(r.resources[0]!.ignored.map((c) => c.path)).toEqual(['containerDefinitions[name=app].environment[name=DB_PASSWORD].value']);
    expectNoSecret([...renderAll(r), renderText(r, { verbose: true })]);
  });

  it('Redactor matches names case-insensitively and masks the same value the same way', () => {
    const red = new Redactor();
    for (const n of ['password', 'My_Secret', 'token', 'apiKey', 'credentials']) expect(red.isSensitiveName(n)).toBe(true);
    expect(red.isSensitiveName('LOG_LEVEL')).toBe(false);
    expect(red.valueAt('containerDefinitions[name=a].environment[name=DB_PASSWORD].value', 'x')).toBe(red.mask('x'));
    expect(red.valueAt('containerDefinitions[name=a].environment[name=LOG_LEVEL].value', 'x')).toBe('x');
    expect(new Redactor(['PIN']).isSensitiveName('db_pin')).toBe(true);
  });
});

describe('redaction of every string map of a container, with a keyed mask', () => {
  const KEY = Buffer.alloc(32, 7);
  const PLANTED = {
    logApiKey: 'planted-logkey-a1b2',
    logPassword: 'planted-logpw-c3d4',
    label: 'planted-label-e5f6',
    firelens: 'planted-firelens-0a0b',
    secretOption: 'planted-secopt-1c1d',
    bracketName: 'planted-bracket-2e2f',
    command: 'planted-command-3a3b',
  };
  const container = (suffix: string) => ({
    name: 'app',
    image: 'nginx:1.27',
    portMappings: [{ containerPort: 80 }],
    environment: [
      { name: 'X]_PASSWORD', value: PLANTED.bracketName + suffix },
      { name: 'LOG_LEVEL', value: 'info' },
    ],
    logConfiguration: {
      logDriver: 'awsfirelens',
      options: { apikey: PLANTED.logApiKey + suffix, Password: PLANTED.logPassword + suffix, region: `eu-west-1${suffix}` },
      secretOptions: [{ name: 'api_token', valueFrom: PLANTED.secretOption + suffix }],
    },
    firelensConfiguration: { type: 'fluentbit', options: { 'config-token': PLANTED.firelens + suffix } },
    dockerLabels: { 'com.example.db.password': PLANTED.label + suffix, 'com.example.team': 'web' },
    command: ['serve', `--flag=${PLANTED.command}${suffix}`],
  });
  const spec = (suffix: string, live: boolean) => {
    const base = live ? liveTdSpec() : tdSpec();
    const c = (base.containerDefinitions as Array<Record<string, unknown>>)[0]!;
    return { ...base, containerDefinitions: [{ ...c, ...container(suffix) }] };
  };
  const noneShown = (texts: string[]) => {
    for (const t of texts) for (const v of Object.values(PLANTED)) expect(t, `shows ${v}`).not.toContain(v);
  };

  it('masks log options, FireLens options, dockerLabels, secretOptions and a name with "]" in every format, changed or whole', () => {
    const red = new Redactor(undefined, { key: KEY, paths: ['containerDefinitions[name=*].command'] });
    const t = desired('TaskDefinition', 'app', spec('-new', false));
    for (const live of [spec('-old', true), { ...liveTdSpec(), containerDefinitions: [] }]) {
      const r = report(diff([t], estate({ families: [family([revision('app', 5, live, managedTags('x'))])] })), { redactor: red });
      const all = renderAll(r);
      noneShown(all);
      expect(all.join('\n')).toMatch(/redacted:hmac:[0-9a-f]{16}/);
    }
    const r = report(diff([t], estate({ families: [family([revision('app', 5, spec('-old', true), managedTags('x'))])] })), { redactor: red });
    // the harmless entries of the same maps are still shown
    expect(JSON.stringify(r)).toContain('eu-west-1-new');
    expect(r.resources[0]!.changes.map((c) => c.path)).toContain('containerDefinitions[name=app].environment[name=X]_PASSWORD].value');
  });

  it('masks with an HMAC under the key: 64 bits shown, one value one mask per key, another key another mask', () => {
    const a = new Redactor(undefined, { key: KEY });
    const b = new Redactor(undefined, { key: Buffer.alloc(32, 8) });
    expect(a.mask('123456')).toMatch(/^redacted:hmac:[0-9a-f]{16}$/);
    expect(a.mask('123456')).toBe(new Redactor(['PIN'], { key: KEY }).mask('123456'));
    expect(a.mask('123456')).not.toBe(b.mask('123456'));
    expect(a.mask('123456')).not.toContain(createHash('sha256').update('123456').digest('hex').slice(0, 8));
  });

  it('--redact takes field paths as well as names', () => {
    const red = redactorFrom(['containerDefinitions[name=*].command', 'PIN']);
    expect(red.valueAt('containerDefinitions[name=app].command', ['a', 'b'])).toMatch(/^redacted:hmac:/);
    expect(red.valueAt('containerDefinitions[name=app].command[1]', 'b')).toMatch(/^redacted:hmac:/);
    expect(red.valueAt('containerDefinitions[name=app].commandx', 'b')).toBe('b');
    expect(red.isSensitiveName('DB_PIN')).toBe(true);
    // names given replace the default names; a field path alone keeps them
    expect(red.isSensitiveName('DB_PASSWORD')).toBe(false);
    expect(redactorFrom(['containerDefinitions[name=*].command']).isSensitiveName('DB_PASSWORD')).toBe(true);
    const whole = red.valueAt('containerDefinitions[name=app]', { name: 'app', command: ['serve', 'x'], image: 'nginx' }) as Record<string, unknown>;
    expect(whole.image).toBe('nginx');
    expect(whole.command).toMatch(/^redacted:hmac:/);
  });
});

describe('suspended and skipped', () => {
  it('a suspended resource is marked in text and markdown', () => {
    const s = syncedEstate();
    const c = desired('Cluster', 'prod', clusterSpec({ tags: { team: 'api' } }), { annotations: { 'ecs-reconciler/suspend': 'true' } });
    const r = report(diff([c], estate({ clusters: [s.live.cluster] })));
    expect(renderText(r)).toContain(`${CLUSTER_ID} (suspended)`);
    expect(renderText(r)).toContain('· suspended');
    expect(renderMarkdown(r)).toContain('| pending (suspended) |');
  });
});
