// `report --from FILE|URL` prints a saved or live report in any format.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { planEstate } from '../src/pipeline/plan.js';
import { buildReport } from '../src/report/build-report.js';
import { desired, diff, estate, syncedEstate, tdSpec } from './engine-fixtures.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: process.cwd() });
  return { code, out, err };
}

function savedReport(): string {
  const s = syncedEstate();
  const diffs = diff(
    [s.desired[0]!, desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.99' })), s.desired[2]!],
    estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] }),
  );
  const plan = planEstate(diffs, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });
  return JSON.stringify(
    buildReport({ diffs, plan, problems: [], loadComplete: true, controllerId: 'default', mode: 'plan', now: new Date('2026-11-26T00:00:00Z') }),
  );
}

describe('report --from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-report-'));
  const file = join(dir, 'plan.json');
  writeFileSync(file, savedReport());

  it('prints a saved report as text, markdown, json and html', async () => {
    const text = await run(['report', '--from', file]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('~ pending  TaskDefinition/eu-west-1/app');
    expect(text.out).toContain('nginx:1.99');
    expect((await run(['report', '--from', file, '--format', 'markdown'])).out).toContain(
      '<details><summary><code>TaskDefinition/eu-west-1/app</code>: pending</summary>',
    );
    expect(JSON.parse((await run(['report', '--from', file, '--format', 'json'])).out).schemaVersion).toBe(1);
    const html = (await run(['report', '--from', file, '--format', 'html'])).out;
    expect(html).toContain('<tr class="resource state-pending"');
    expect(html).not.toContain("fetch('/?'"); // a saved page does not poll a daemon
  });

  it('reads a live report over HTTP', async () => {
    const body = savedReport();
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await run(['report', '--from', `http://127.0.0.1:${(server.address() as AddressInfo).port}/report`]);
      expect(r.code).toBe(0);
      expect(r.out).toContain('TaskDefinition/eu-west-1/app');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses what is not a report, saying why', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, resources: 'none' }));
    const r = await run(['report', '--from', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not an ecs-reconciler report');
    const missing = await run(['report', '--from', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read');
    expect((await run(['report'])).err).toContain('--from URL|FILE is required');
  });
});
