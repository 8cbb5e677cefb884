// Hostile input next to a good estate: each bad file gives a located problem, the rest
// of the estate is still reconciled (a change made behind the controller's back is
// restored in the same pass), and nothing is pruned, although prune is on and there are
// orphaned managed resources to prune.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClustersCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/model/problem.js';
import { isPass, startDaemon } from './daemon-helpers.js';
import { ecsClient, type PassRun, REPO_ROOT, reconcile, scratchManifests, states } from './reconcile-helpers.js';

const PRUNING_OPS = ['DeleteService', 'DeregisterTaskDefinition', 'DeleteCluster', 'DeregisterScalableTarget', 'DeleteScalingPolicy', 'DeleteScheduledAction'];
const HOSTILE = join(REPO_ROOT, 'test', 'fixtures', 'hostile');

async function desiredCount(cluster: string, service: string): Promise<number | undefined> {
  return (await ecsClient().send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]?.desiredCount;
}

function nest(depth: number): string {
  let s = 'leaf: 1';
  for (let i = 0; i < depth; i++) s = `k${i}:\n${s.replace(/^/gm, '  ')}`;
  return s;
}

function aliasBomb(): string {
  const lines = [
    'apiVersion: ecs-reconciler/v1',
    'kind: Cluster',
    'metadata: { name: bomb }',
    'x:',
    '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`  ${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

interface Case {
  name: string;
  /** makes the hostile thing inside dir; returns the file a problem must name */
  make: (dir: string, outside: string) => string;
  /** a problem must carry a line (content problems); false for whole-file refusals */
  line: boolean;
}

const TD_HEAD =
  'apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata: { name: hostile }\nspec:\n  containerDefinitions: [{ name: a, image: busybox, memory: 128 }]\n';

const CASES: Case[] = [
  {
    name: 'invalid YAML',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'bad-yaml.yaml'), readFileSync(join(HOSTILE, 'bad-yaml.yaml')));
      return 'bad-yaml.yaml';
    },
  },
  {
    name: 'wrong types',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'wrong-types.yaml'), readFileSync(join(HOSTILE, 'wrong-types.yaml')));
      return 'wrong-types.yaml';
    },
  },
  {
    name: 'unknown kind',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'unknown-kind.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Clustr\nmetadata: { name: k }\nspec: {}\n');
      return 'unknown-kind.yaml';
    },
  },
  {
    name: 'unknown field',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'unknown-field.yaml'), readFileSync(join(HOSTILE, 'unknown-field.yaml')));
      return 'unknown-field.yaml';
    },
  },
  {
    name: 'duplicate name',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'zz-duplicate.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: prod\nspec: {}\n');
      return 'zz-duplicate.yaml';
    },
  },
  {
    name: 'duplicate key',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'dup-key.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: dk }\nspec: {}\nspec: {}\n');
      return 'dup-key.yaml';
    },
  },
  {
    name: 'dangling reference',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'dangling.yaml'), readFileSync(join(HOSTILE, 'dangling.yaml')));
      return 'dangling.yaml';
    },
  },
  {
    name: 'undefined variable',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'undef-var.yaml'), TD_HEAD.replace('image: busybox', 'image: "busybox:${NO_SUCH_VARIABLE_X}"'));
      return 'undef-var.yaml';
    },
  },
  {
    name: 'alias bomb',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'bomb.yaml'), aliasBomb());
      return 'bomb.yaml';
    },
  },
  {
    name: '200-level nesting',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'deep.yaml'), `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: deep }\nspec:\n${nest(200).replace(/^/gm, '  ')}\n`);
      return 'deep.yaml';
    },
  },
  {
    name: '20000-level flow nesting',
    line: true,
    make: (d) => {
      writeFileSync(
        join(d, 'deep-flow.yaml'),
        `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: deepflow }\nspec: ${'['.repeat(20000)}${']'.repeat(20000)}\n`,
      );
      return 'deep-flow.yaml';
    },
  },
  {
    name: 'empty file',
    line: true,
    make: (d) => {
      writeFileSync(join(d, 'empty.yaml'), '');
      return 'empty.yaml';
    },
  },
  {
    name: 'invalid UTF-8',
    line: true,
    make: (d) => {
      writeFileSync(
        join(d, 'latin1.yaml'),
        Buffer.concat([Buffer.from('apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: caf'), Buffer.from([0xe9]), Buffer.from(' }\n')]),
      );
      return 'latin1.yaml';
    },
  },
  {
    name: 'binary file',
    line: false,
    make: (d) => {
      writeFileSync(join(d, 'binary.yaml'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
      return 'binary.yaml';
    },
  },
  {
    name: '50 MB file',
    line: false,
    make: (d) => {
      const fd = openSync(join(d, 'huge.yaml'), 'w');
      const chunk = Buffer.from('# padding padding padding padding padding padding padding padding\n'.repeat(16384));
      for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
      closeSync(fd);
      return 'huge.yaml';
    },
  },
  {
    name: 'symlink loop (folder)',
    line: false,
    make: (d) => {
      mkdirSync(join(d, 'loopdir'));
      symlinkSync('..', join(d, 'loopdir', 'up'));
      return 'loopdir/up';
    },
  },
  {
    name: 'symlink loop (files)',
    line: false,
    make: (d) => {
      symlinkSync('loop-b.yaml', join(d, 'loop-a.yaml'));
      symlinkSync('loop-a.yaml', join(d, 'loop-b.yaml'));
      return 'loop-a.yaml';
    },
  },
  {
    name: 'link out of the folder',
    line: false,
    make: (d, outside) => {
      // A perfectly valid manifest, but outside the folder: must be refused, not loaded.
      writeFileSync(join(outside, 'stolen.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: { name: stolen }\nspec: {}\n');
      symlinkSync(join(outside, 'stolen.yaml'), join(d, 'stolen.yaml'));
      return 'stolen.yaml';
    },
  },
];

const figures: string[] = [];

describe('hostile input next to a good estate, prune on', () => {
  const dir = scratchManifests();
  const outside = mkdtempSync(join(tmpdir(), 'ecs-reconciler-outside-'));
  afterAll(() => {
    console.log(`[hostile] ${figures.length} input(s):\n  ${figures.join('\n  ')}`);
    rmSync(outside, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const applied = await reconcile(dir, { mode: 'apply' });
    expect(applied.results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    // api's manifests go: its task definition and service are now orphaned, and a pass
    // with prune on and a complete load WOULD delete them (checked below).
    rmSync(join(dir, 'api'), { recursive: true });
    const plan = await reconcile(dir, { prune: true });
    expect(plan.plan.actions.map((a) => a.kind).sort()).toEqual(['delete-service', 'deregister-task-definition']);
  });

  // Each pass's change behind the controller's back sets another count: the same change
  // restored on 3 passes in a row would be a fight, which the fight guard stops applying.
  let outOfBandCount = 4;
  async function hostilePass(files: string[]): Promise<{ pass: PassRun; problems: Problem[] }> {
    // a change behind the controller's back (worker has no auto scaling: the count is the manifest's)
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'batch', service: 'worker', desiredCount: ++outOfBandCount }));
    const pass = await reconcile(dir, { mode: 'apply', prune: true });
    for (const op of PRUNING_OPS) expect(pass.calls[op] ?? 0, `${op} called`).toBe(0);
    expect(pass.report.loadComplete).toBe(false);
    // the rest of the estate: worker's drift restored in this very pass
    expect(await desiredCount('batch', 'worker')).toBe(1);
    expect(states(pass)['Service/us-east-1/batch/worker']).toBe('drifted');
    const st = states(await reconcile(dir));
    for (const id of ['Cluster/us-east-1/batch', 'TaskDefinition/us-east-1/web', 'TaskDefinition/us-east-1/worker', 'Service/us-east-1/batch/worker'])
      expect(st[id], id).toBe('in-sync');
    expect(st['Service/us-east-1/prod/api']).toBe('orphaned');
    const problems = pass.report.problems;
    for (const f of files)
      expect(
        problems.some((p) => p.file === f || (p.file !== undefined && p.message.includes(`${f}:`))),
        `a problem naming ${f}: ${JSON.stringify(problems)}`,
      ).toBe(true);
    return { pass, problems };
  }

  for (const c of CASES) {
    it(`${c.name}: a problem naming the file${c.line ? ' and line' : ''}, the rest reconciled, nothing pruned`, async () => {
      const scratch = mkdtempSync(join(dir, 'case-'));
      const made = c.make(scratch, outside);
      const file = `${scratch.slice(dir.length + 1)}/${made}`;
      try {
        const { problems } = await hostilePass([file]);
        const mine = problems.filter((p) => p.file === file || (p.file !== undefined && p.message.includes(`${file}:`)));
        if (c.line) {
          const text = (() => {
            try {
              return readFileSync(join(scratch, made), 'utf8');
            } catch {
              return '';
            }
          })();
          const lines = text.split('\n').length;
          // a problem located in the other file (the first claim of a duplicate name) has that file's line
          for (const p of mine.filter((m) => m.file === file)) {
            expect(p.line, `line of ${JSON.stringify(p)}`).toBeGreaterThanOrEqual(1);
            expect(p.line!).toBeLessThanOrEqual(lines + 1);
          }
        }
        figures.push(
          `${c.name}: ${mine.map((p) => `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''} ${p.path ? `${p.path}: ` : ''}${p.message}`.slice(0, 160)).join(' | ')}`,
        );
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  }

  it('every hostile input at once: each reported, the rest reconciled, nothing pruned', async () => {
    const scratch = mkdtempSync(join(dir, 'all-'));
    const files: string[] = [];
    CASES.forEach((c, i) => {
      const sub = join(scratch, String(i));
      mkdirSync(sub);
      files.push(`${sub.slice(dir.length + 1)}/${c.make(sub, mkdtempSync(join(outside, 'o-')))}`);
    });
    try {
      const { problems } = await hostilePass(files);
      figures.push(`all ${CASES.length} at once: ${problems.length} problem(s)`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('whole-file refusals (size, symlinks) carry a line, as DESIGN.md promises for every error', async () => {
    const scratch = mkdtempSync(join(dir, 'lines-'));
    try {
      const files = CASES.filter((c) => !c.line).map((c) => `${scratch.slice(dir.length + 1)}/${c.make(scratch, mkdtempSync(join(outside, 'l-')))}`);
      const { problems } = await hostilePass(files);
      for (const f of files) for (const p of problems.filter((q) => q.file === f)) expect(p.line, `${f}: ${p.message}`).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('with the hostile files gone, the same pass prunes the orphans (prune was armed all along)', async () => {
    const pass = await reconcile(dir, { mode: 'apply', prune: true });
    expect(pass.report.loadComplete).toBe(true);
    expect(pass.calls.DeleteService).toBe(1);
    expect(Object.values(states(await reconcile(dir))).every((s) => s === 'in-sync')).toBe(true);
  });
});

describe('the daemon, prune on, while its folder misbehaves', () => {
  it('the folder removed mid-run reads as "cannot read", never as "everything deleted"; restored, it converges', async () => {
    const dir = scratchManifests();
    await reconcile(dir, { mode: 'apply' });
    const daemon = startDaemon(dir, ['--prune', '--controller-id', 'default', '--interval', '300ms']);
    try {
      await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11 && l.loadComplete === true, 20_000, 'a clean pass');
      renameSync(dir, `${dir}.away`);
      const gone = await daemon.waitForNext((l) => isPass(l) && l.loadComplete === false, 10_000, 'a pass without the folder');
      await daemon.waitForNext(isPass, 10_000, 'another pass without the folder');
      await daemon.waitForNext(isPass, 10_000, 'a third pass without the folder');
      const report = JSON.parse((await daemon.get('/report')).text) as {
        loadComplete: boolean;
        problems: Problem[];
        summary: { byState: Record<string, number> };
      };
      expect(report.loadComplete).toBe(false);
      expect(report.problems.some((p) => /manifests folder/.test(p.message))).toBe(true);
      // Still there, all of it.
      const svc = await ecsClient().send(new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'api'] }));
      expect(svc.services?.map((s) => s.status)).toEqual(['ACTIVE', 'ACTIVE']);
      const cl = await ecsClient().send(new DescribeClustersCommand({ clusters: ['prod', 'batch'] }));
      expect(cl.clusters?.map((c) => c.status)).toEqual(['ACTIVE', 'ACTIVE']);
      renameSync(`${dir}.away`, dir);
      await daemon.waitForNext(
        (l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11 && l.loadComplete === true && l.actionsApplied === 0,
        15_000,
        'a clean pass after the folder came back',
      );
      const metrics = (await daemon.get('/metrics')).text;
      for (const op of PRUNING_OPS) expect(metrics).not.toMatch(new RegExp(`operation="${op}"`));
      figures.push(
        `folder removed for 3 passes: states while gone ${JSON.stringify(gone.states)}, problems ${gone.problems}; no pruning call; restored -> 11 in-sync`,
      );
    } finally {
      expect(await daemon.stop()).toBe(0);
      rmSync(`${dir}.away`, { recursive: true, force: true });
    }
  });

  it('a file half-written when the watcher fires: reported, then applied once complete; nothing pruned', async () => {
    const dir = scratchManifests();
    await reconcile(dir, { mode: 'apply' });
    const daemon = startDaemon(dir, ['--prune', '--controller-id', 'default', '--interval', '60s', '--debounce', '10ms']);
    try {
      await daemon.waitFor((l) => isPass(l) && l.loadComplete === true, 20_000, 'a first pass');
      const text =
        'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: halfway\nspec:\n  settings:\n    - { name: containerInsights, value: enabled }\n  tags: { team: half }\n';
      const file = join(dir, 'clusters', 'halfway.yaml');
      const cut = text.indexOf('name: halfway') + 6; // "metadata:\n  name: " and nothing after
      writeFileSync(file, text.slice(0, cut));
      await new Promise((r) => setTimeout(r, 50));
      const fd = openSync(file, 'a');
      writeSync(fd, text.slice(cut));
      closeSync(fd);
      await daemon.waitFor((l) => l.resource === 'Cluster/us-east-1/halfway' && l.outcome === 'applied', 15_000, 'the cluster created');
      const after = await reconcile(dir);
      expect(states(after)['Cluster/us-east-1/halfway']).toBe('in-sync');
      expect(Object.values(states(after)).every((s) => s === 'in-sync')).toBe(true);
      const halfProblems = daemon.lines.filter((l) => l.file === 'clusters/halfway.yaml');
      const metrics = (await daemon.get('/metrics')).text;
      for (const op of PRUNING_OPS) expect(metrics).not.toMatch(new RegExp(`operation="${op}"`));
      figures.push(
        `half-written file: ${halfProblems.length} problem line(s) logged while half (${halfProblems
          .map((l) => l.msg)
          .join(' | ')
          .slice(0, 160)}), then created; no pruning call`,
      );
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});
