// Plans a reviewer can read (issue 18): a create lists its fields, in-sync resources are
// counted not listed, the Markdown comment stays under 60,000 characters for any estate,
// and a unified diff reads as `diff -u` does.
import { describe, expect, it } from 'vitest';
import type { DesiredResource } from '../src/model/resource.js';
import { planEstate } from '../src/pipeline/plan.js';
import { buildReport } from '../src/report/build-report.js';
import type { Report } from '../src/report/model.js';
import { Redactor } from '../src/report/redact.js';
import { renderPage } from '../src/report/render-html.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import { TERMINAL_COLORS, unifiedDiff } from '../src/report/unified-diff.js';
import { desired, diff, serviceSpec } from './engine-fixtures.js';

const NOW = new Date('2026-12-01T00:00:00.000Z');

function reportOf(manifests: DesiredResource[]): Report {
  const diffs = diff(manifests);
  const plan = planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });
  return buildReport({ diffs, plan, problems: [], loadComplete: true, controllerId: 'default', mode: 'plan', now: NOW, redactor: new Redactor() });
}

function taskDefinition(name: string, containers = 1) {
  return desired('TaskDefinition', name, {
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: Array.from({ length: containers }, (_, i) => ({
      name: i === 0 ? name : `${name}-sidecar-${i}`,
      image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}:1.4.${i}`,
      essential: true,
      cpu: 0,
      portMappings: [{ containerPort: 8080 + i }],
      environment: [
        { name: 'NODE_ENV', value: 'production' },
        { name: 'DB_PASSWORD', value: 'hunter2' },
      ],
      secrets: [{ name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/api-token' }],
    })),
  });
}

describe('a create in the plan', () => {
  const report = reportOf([
    desired('Cluster', 'prod', {}),
    taskDefinition('web'),
    desired('Service', 'web', serviceSpec({ taskDefinition: 'web', desiredCount: 3 })),
  ]);

  it('lists every field it will be created with, nested, secrets as references, sensitive values redacted', () => {
    const text = renderText(report);
    expect(text).toContain('  + missing  Service/eu-west-1/prod/web: in the manifests, not live\n');
    expect(text).toContain('      + desiredCount: 3\n');
    expect(text).toContain('      + taskDefinition: web\n');
    expect(text).toContain('      + networkConfiguration:\n      +   awsvpcConfiguration:\n');
    expect(text).toMatch(/\+ {5}image: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/web:1\.4\.0\n/);
    expect(text).toContain('valueFrom: arn:aws:ssm:eu-west-1:123456789012:parameter/api-token');
    expect(text).not.toContain('hunter2');
    expect(text).toMatch(/value: redacted:hmac:[0-9a-f]{16}/);
    // the server-filled default (container cpu 0) is not a field the create sets
    expect(text).not.toMatch(/\+ +cpu: 0/);
    expect(renderMarkdown(report)).toContain('```yaml\n');
    expect(renderPage(report, {}, { static: true })).toContain('<details class="creates"><summary>created with</summary><pre>');
  });
});

describe('the Markdown comment of a 1,000-service estate', () => {
  const manifests: DesiredResource[] = [desired('Cluster', 'prod', {})];
  for (let i = 0; i < 1000; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    manifests.push(taskDefinition(name, 3), desired('Service', name, serviceSpec({ taskDefinition: name, desiredCount: 2 })));
  }
  const report = reportOf(manifests);

  it('stays under 60,000 characters, and says what it left out and where the full plan is', () => {
    expect(report.resources).toHaveLength(2001);
    const md = renderMarkdown(report);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md.length).toBeGreaterThan(MARKDOWN_LIMIT / 2); // the room is used, not thrown away
    expect(md.split('\n').slice(0, 3).join('\n')).toContain('2001 resource(s): 2001 missing;');
    expect(md).toMatch(/… \d+ more resource\(s\) not in this table: see the JSON report \(`ecs-reconciler plan DIR --format json`/);
    expect(md).toMatch(/… the details of \d+ more resource\(s\) are left out to keep this comment under 60,000 characters: see the JSON report/);
    expect(md.match(/<details>/g)!.length).toBe(md.match(/<\/details>/g)!.length);
    expect(md).not.toContain('hunter2');
  });

  it('keeps to any bound it is given, and names where the full JSON is', () => {
    const md = renderMarkdown(report, { limit: 10_000, fullReport: '`plan.json` (a CI artifact)' });
    expect(md.length).toBeLessThan(10_000);
    expect(md).toContain('see `plan.json` (a CI artifact)');
  });

  it('an in-sync estate of any size is a short comment: in-sync resources are counted, not listed', () => {
    const inSync: Report = {
      ...report,
      resources: report.resources.map((r) => ({ ...r, state: 'in-sync' as const, actions: [], creates: undefined })),
      summary: { ...report.summary, byState: { ...report.summary.byState, missing: 0, 'in-sync': 2001 }, actionsPlanned: 0 },
    };
    for (const r of inSync.resources) delete r.creates;
    const md = renderMarkdown(inSync);
    expect(md.length).toBeLessThan(1000);
    expect(md).toContain('2001 in-sync resource(s) not listed (--show all lists them).');
    expect(renderMarkdown(inSync, { show: 'all' }).length).toBeLessThan(MARKDOWN_LIMIT);
  });
});

describe('unified diff', () => {
  it('reads as diff -u: file heads, a hunk with three lines of context, - for live, + for desired', () => {
    const live = 'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n';
    const desiredText = 'a: 1\nb: 2\nc: 3\nd: 4\ne: 50\nf: 6\ng: 7\nh: 8\n';
    expect(unifiedDiff(live, desiredText, { before: 'live/x', after: 'desired/x' })).toBe(
      '--- live/x\n+++ desired/x\n@@ -2,7 +2,7 @@\n b: 2\n c: 3\n d: 4\n-e: 5\n+e: 50\n f: 6\n g: 7\n h: 8\n',
    );
  });

  it('is empty for equal texts; a create diffs from nothing; colors are ANSI only when asked', () => {
    expect(unifiedDiff('a: 1\n', 'a: 1\n', { before: 'l', after: 'd' })).toBe('');
    expect(unifiedDiff('', 'a: 1\nb: 2\n', { before: '/dev/null', after: 'd' })).toBe('--- /dev/null\n+++ d\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n');
    expect(unifiedDiff('a: 1\n', 'a: 2\n', { before: 'l', after: 'd' }, TERMINAL_COLORS)).toContain('\u001b[31m-a: 1\u001b[0m\n\u001b[32m+a: 2\u001b[0m');
  });

  it('far-apart changes are separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `k${i}: ${i}`);
    const b = a.map((l, i) => (i === 2 || i === 25 ? `${l}0` : l));
    const out = unifiedDiff(`${a.join('\n')}\n`, `${b.join('\n')}\n`, { before: 'l', after: 'd' });
    expect(out.match(/^@@ /gm)).toHaveLength(2);
  });
});
