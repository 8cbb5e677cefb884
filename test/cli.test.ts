// The CLI teaches itself: every command has --help with its flags, exit codes and examples.
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: process.cwd() });
  return { code, out, err };
}

const COMMANDS = ['validate', 'plan', 'diff', 'apply', 'run', 'export', 'report', 'schema'];

describe('the ecs-reconciler command', () => {
  it('--help lists every command of DESIGN.md', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it.each(COMMANDS)('%s --help explains usage and gives an example', async (command) => {
    const { code, out } = await run([command, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: ecs-reconciler /);
    expect(out).toMatch(/Example/);
  });

  it('an unknown command or flag is a usage error, exit 1, with a pointer to --help', async () => {
    const unknown = await run(['deploy']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('unknown command "deploy"');
    const flag = await run(['plan', 'manifests/', '--fromat', 'json']);
    expect(flag.code).toBe(1);
    expect(flag.err).toMatch(/ecs-reconciler plan: .*--fromat[\s\S]*Run "ecs-reconciler plan --help"/);
    const format = await run(['validate', 'manifests/', '--format', 'yaml']);
    expect(format.err).toContain('--format must be one of text, json; got "yaml"');
  });

  it('plan without a region says how to give one', async () => {
    // the SDK's chain reads the shared config file too: point it at none, so the machine's own cannot answer
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/ecs-reconciler-test/config');
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    try {
      const r = await run(['plan', 'manifests/']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('no region: pass --region, set AWS_REGION, or give the profile (--profile or AWS_PROFILE) a region in ~/.aws/config');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('schema prints the manifest schema, and --report the report schema', async () => {
    const manifest = JSON.parse((await run(['schema'])).out) as { $id: string };
    expect(manifest.$id).toBe('https://ecs-reconciler.dev/schema/manifest-v1.json');
    const report = JSON.parse((await run(['schema', '--report'])).out) as { $id: string; properties: Record<string, unknown> };
    expect(report.$id).toBe('https://ecs-reconciler.dev/schema/report-v1.json');
    expect(Object.keys(report.properties)).toContain('resources');
  });
});
