// Issue 18: validation reports every problem of every file in one run: schema,
// substitution, cross-field rules and references together, not in rounds.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

async function validate(dir: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['validate', dir, '--format', 'json'], { stdout: (t) => (out += t), stderr: () => undefined, env: {}, cwd: process.cwd() });
  return { code, out };
}

describe('validate in one run', () => {
  it('one file with five different defects gives five problems in one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'five-defects-'));
    copyFileSync(join(import.meta.dirname, 'fixtures', 'validate', 'five-defects.yaml'), join(dir, 'web.yaml'));
    const { code, out } = await validate(dir);
    expect(code).toBe(1);
    const problems = (JSON.parse(out) as { problems: Array<{ path: string; message: string; line: number; hint?: string }> }).problems;
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      'spec.deploymentConfiguration.maximumPercent',
      'spec.desiredCont',
      'spec.launchType',
      'spec.platformVersion',
      'spec.taskDefinition',
    ]);
    expect(problems).toHaveLength(5);
    expect(byPath['spec.desiredCont']).toMatchObject({ line: 11, message: 'unknown field', hint: 'did you mean "desiredCount"?' });
    expect(byPath['spec.launchType']!.message).toContain('got "FARGATEX"');
    expect(byPath['spec.platformVersion']!.message).toBe('undefined variable ${PLATFORM_VERSION}');
    expect(byPath['spec.deploymentConfiguration.maximumPercent']!.message).toBe('maximumPercent 50 is below minimumHealthyPercent 100');
    expect(byPath['spec.taskDefinition']).toMatchObject({ line: 10, hint: 'did you mean "web-task"?' });
  });

  it('a document-wide rule runs beside a field error, and does not repeat it', async () => {
    const { ServiceManifestSchema } = await import('../src/kinds/service/schema.js');
    const r = ServiceManifestSchema.safeParse({
      apiVersion: 'ecs-reconciler/v1',
      kind: 'Service',
      metadata: { name: 'web', cluster: 'prod' },
      spec: { taskDefinition: 'web', desiredCount: 'two', role: 'arn:aws:iam::123456789012:role/x' },
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('spec.role: only allowed together with loadBalancers');
    expect(messages.filter((m) => m.startsWith('spec.desiredCount'))).toHaveLength(1);
  });
});
