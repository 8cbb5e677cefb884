// Region and credentials come from the AWS SDK's own chain, profiles included: a region
// in the shared config file of AWS_PROFILE (or --profile) is the default region.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sdkDefaultRegion } from '../src/aws/index.js';
import { main } from '../src/cli/main.js';
import { requireRegion } from '../src/cli/reconcile-flags.js';

const io = (env: NodeJS.ProcessEnv) => ({ stdout: () => {}, stderr: () => {}, env, cwd: process.cwd() });

describe('the region from an AWS profile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-aws-config-'));
    const config = join(dir, 'config');
    writeFileSync(config, '[default]\nregion = us-west-2\n\n[profile staging]\nregion = eu-central-1\n\n[profile no-region]\noutput = json\n');
    writeFileSync(join(dir, 'credentials'), '');
    // the SDK reads process.env itself; keep the machine's own settings out of the test
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it("AWS_PROFILE's region in the config file is the default region", async () => {
    vi.stubEnv('AWS_PROFILE', 'staging');
    expect(await sdkDefaultRegion()).toBe('eu-central-1');
    expect(await requireRegion({}, io({ AWS_PROFILE: 'staging' }))).toBe('eu-central-1');
  });

  it("--profile wins over AWS_PROFILE, and the default profile's region is used without either", async () => {
    expect(await requireRegion({}, io({}))).toBe('us-west-2');
    vi.stubEnv('AWS_PROFILE', 'no-region');
    expect(await requireRegion({ profile: 'staging' }, io({}))).toBe('eu-central-1');
  });

  it('--region and AWS_REGION win over the profile', async () => {
    expect(await requireRegion({ region: 'ap-south-1', profile: 'staging' }, io({}))).toBe('ap-south-1');
    expect(await requireRegion({ profile: 'staging' }, io({ AWS_REGION: 'sa-east-1' }))).toBe('sa-east-1');
  });

  it('a profile with no region and no other source is a usage error that names the ways to give one', async () => {
    writeFileSync(join(dir, 'config'), '[profile no-region]\noutput = json\n');
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    let err = '';
    const code = await main(['plan', dir, '--profile', 'no-region'], { stdout: () => {}, stderr: (t) => (err += t), env: {}, cwd: process.cwd() });
    expect(code).toBe(1);
    expect(err).toContain('no region: pass --region, set AWS_REGION, or give the profile (--profile or AWS_PROFILE) a region in ~/.aws/config');
  });

  it('every command that talks to AWS takes --profile', async () => {
    for (const command of ['plan', 'apply', 'run', 'export']) {
      let out = '';
      await main([command, '--help'], { stdout: (t) => (out += t), stderr: () => {}, env: {}, cwd: process.cwd() });
      expect(out, command).toContain('--profile NAME');
    }
  });
});
