// Secret values never leave the controller in any output of ours: planted as an
// environment variable named DB_PASSWORD in a task definition manifest, and through a
// ${VAR} from the process environment into API_TOKEN, then grepped for in the daemon's
// logs (trace level), /report, /metrics, the page, `plan` in every format, `validate`,
// and the error messages of an invalid manifest that holds one. (The values are, and
// must be, in AWS itself, the emulator: that is not an output of ours.)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon } from './daemon-helpers.js';
import { emulatorEnv } from './emulator-helpers.js';
import { REPO_ROOT, scratchManifests } from './reconcile-helpers.js';

const fresh = (tag: string) => `${tag}${randomBytes(9).toString('hex')}`;
const S = {
  dbPassword: fresh('pw1x'),
  dbPassword2: fresh('pw2x'),
  token: fresh('tok1x'),
  token2: fresh('tok2x'),
  invalid: fresh('bad1x'),
  numeric: String(900000000000 + Math.floor(Math.random() * 99999999999)),
  syntax: fresh('syn1x'),
};
const ENV_VAR = 'ECS_RECONCILER_TEST_API_TOKEN';
const checked: string[] = [];

function leaks(where: string, text: string, secrets: string[] = Object.values(S)): void {
  checked.push(`${where} (${text.length} chars)`);
  for (const s of secrets)
    expect(text.includes(s), `${where} shows the secret ${s}:\n${text.slice(Math.max(0, text.indexOf(s) - 300), text.indexOf(s) + 100)}`).toBe(false);
}

function cli(args: string[], token: string): { status: number | null; out: string } {
  const env = emulatorEnv();
  const r = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'ecs-reconciler.js'), ...args, '--endpoint', env.endpoint, '--var-file', env.envFile, '--var-env', ENV_VAR, '--region', env.region],
    {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', [ENV_VAR]: token },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function plant(dir: string, password: string): void {
  const file = join(dir, 'web', 'web.yaml');
  const text = readFileSync(file, 'utf8');
  const anchor = '        - { name: LOG_LEVEL, value: info }\n';
  const planted = `        - { name: DB_PASSWORD, value: "${password}" }\n        - { name: API_TOKEN, value: "\${${ENV_VAR}}" }\n`;
  const base = (
    text.includes('DB_PASSWORD') ? text.replace(/ {8}- \{ name: DB_PASSWORD.*\n {8}- \{ name: API_TOKEN.*\n(?: {8}- \{ name: "X\]_PASSWORD".*\n)?/, '') : text
  ).replace(/ {6}dockerLabels: .*\n/, '');
  expect(base).toContain(anchor);
  // the same secret as a docker label and under a name the path parser once stopped at ("]")
  const labelled = base.replace(
    '      essential: true\n',
    `      essential: true\n      dockerLabels: { "com.example.db-password": "${password}-label", "com.example.team": web }\n`,
  );
  writeFileSync(file, labelled.replace(anchor, `${anchor + planted}        - { name: "X]_PASSWORD", value: "${password}-bracket" }\n`));
}

describe('secret values in every output', () => {
  const dir = scratchManifests();
  const daemons: DaemonProcess[] = [];
  afterAll(async () => {
    for (const d of daemons) await d.stop();
    console.log(`[secrets] ${Object.keys(S).length} planted values; outputs grepped:\n  ${checked.join('\n  ')}`);
  });

  it('apply: its output never shows them', () => {
    plant(dir, S.dbPassword);
    const r = cli(['apply', dir], S.token);
    expect(r.status, r.out).toBe(0);
    leaks('apply output', r.out);
  });

  it('plan --format text|json|markdown of a changed secret: redacted, never shown', () => {
    plant(dir, S.dbPassword2);
    for (const format of ['text', 'json', 'markdown']) {
      const r = cli(['plan', dir, '--format', format, '--detailed-exitcode'], S.token2);
      expect(r.status, r.out).toBe(2);
      leaks(`plan --format ${format}`, r.out);
      if (format === 'json') expect(r.out).toMatch(/redacted:hmac:[0-9a-f]{16}/);
    }
    const out = join(mkdtempSync(join(tmpdir(), 'ecs-reconciler-plan-')), 'plan.md');
    cli(['plan', dir, '--format', 'markdown', '--out', out], S.token2);
    leaks('plan --out FILE', readFileSync(out, 'utf8'));
  });

  it('the daemon (report mode, trace logs): /report, /metrics, the page and the logs never show them', async () => {
    process.env[ENV_VAR] = S.token2;
    const d = startDaemon(dir, ['--var-env', ENV_VAR, '--mode', 'report', '--log-level', 'trace', '--interval', '500ms']);
    daemons.push(d);
    delete process.env[ENV_VAR];
    await d.waitFor((l) => isPass(l) && ((l.states as Record<string, number>).pending ?? 0) >= 1, 20_000, 'a pass with the pending secret change');
    await d.waitForNext(isPass, 10_000, 'another pass');
    const report = (await d.get('/report')).text;
    expect(report).toMatch(/redacted:hmac:[0-9a-f]{16}/);
    leaks('/report', report);
    leaks('/metrics', (await d.get('/metrics')).text);
    leaks('/ (the page)', (await d.get('/')).text);
    leaks('/?partial=1', (await d.get('/?partial=1')).text);
    leaks('/?state=pending', (await d.get('/?state=pending')).text);
    expect(await d.stop()).toBe(0);
    leaks('daemon stdout (report mode)', d.lines.map((l) => JSON.stringify(l)).join('\n'));
    leaks('daemon stderr (report mode)', d.stderr.join(''));
  });

  it('the daemon (apply mode, trace logs) applying the change: its logs never show them', async () => {
    process.env[ENV_VAR] = S.token2;
    const d = startDaemon(dir, ['--var-env', ENV_VAR, '--log-level', 'trace', '--interval', '500ms']);
    daemons.push(d);
    delete process.env[ENV_VAR];
    await d.waitFor((l) => l.action === 'register-task-definition' && l.outcome === 'applied', 20_000, 'the new revision');
    await d.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11 && l.actionsApplied === 0, 20_000, 'a clean pass');
    leaks('/report (apply mode)', (await d.get('/report')).text);
    expect(await d.stop()).toBe(0);
    leaks('daemon stdout (apply mode)', d.lines.map((l) => JSON.stringify(l)).join('\n'));
    leaks('daemon stderr (apply mode)', d.stderr.join(''));
  });

  const INVALID: Array<[string, string]> = [
    ['an unknown field next to the secret', `        - { name: DB_PASSWORD, value: "${S.invalid}", valu: x }\n`],
    ['a secret given as a number', `        - { name: DB_PASSWORD, value: ${S.numeric} }\n`],
    ['a secret given as a list', `        - { name: DB_PASSWORD, value: ["${S.invalid}"] }\n`],
    ['a secret with a mistyped name key', `        - { nmae: DB_PASSWORD, value: "${S.invalid}" }\n`],
    ['a YAML syntax error on the secret line', `        - { name: DB_PASSWORD, value: ${S.syntax}: oops }\n`],
    ['a secret in a duplicate key', `        - { name: DB_PASSWORD, value: "${S.invalid}", value: "${S.syntax}" }\n`],
  ];
  for (const [what, line] of INVALID) {
    it(`error messages of an invalid manifest (${what}) never show it: validate, plan, daemon`, async () => {
      const bad = scratchManifests(dir);
      const file = join(bad, 'web', 'web.yaml');
      const text = readFileSync(file, 'utf8').replace(/ {8}- \{ name: DB_PASSWORD.*\n/, line);
      writeFileSync(file, text);
      const v = cli(['validate', bad], S.token2);
      // a number is a valid value (ECS takes it as a string): then it is a change, redacted like any other
      const valid = what === 'a secret given as a number';
      expect(v.status, v.out).toBe(valid ? 0 : 1);
      if (!valid) expect(v.out).toMatch(/web\/web\.yaml:\d+/);
      leaks(`validate: ${what}`, v.out);
      for (const format of ['text', 'json']) leaks(`plan --format ${format}: ${what}`, cli(['plan', bad, '--format', format], S.token2).out);
      const d = startDaemon(bad, ['--var-env', ENV_VAR, '--mode', 'report', '--log-level', 'trace']);
      daemons.push(d);
      await d.waitFor(isPass, 20_000, 'a pass');
      leaks(`/report: ${what}`, (await d.get('/report')).text);
      leaks(`/ (page): ${what}`, (await d.get('/')).text);
      expect(await d.stop()).toBe(0);
      leaks(`daemon logs: ${what}`, d.lines.map((l) => JSON.stringify(l)).join('\n') + d.stderr.join(''));
    });
  }
});
