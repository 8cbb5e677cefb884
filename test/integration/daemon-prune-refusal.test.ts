// The daemon when its prune stage is refused (issue 13, item 1, the daemon half): "the
// daemon reports the refusal as a problem, notifies once, and keeps reconciling
// everything else". A child process on the emulator, watched through its logs, /report,
// /metrics (AWS calls by operation) and a webhook receiver on 127.0.0.1.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, type LogLine, startDaemon, startWebhookReceiver } from './daemon-helpers.js';
import { ecsClient, reconcile, scratchManifests } from './reconcile-helpers.js';

interface WebhookPost {
  text: string;
  transitions: Array<{ resource: string; from: string; to: string; state: string }>;
}

interface ReportBody {
  prune?: { status: string; reason?: string; deletions: number };
  problems: Array<{ stage?: string; message: string; resource?: string }>;
  resources: Array<{ id: string; state: string }>;
}

const DELETING_OPERATIONS = ['DeleteService', 'DeleteCluster', 'DeregisterTaskDefinition', 'DeleteTaskDefinitions', 'DeleteCapacityProvider'];

/**
 * Deleting AWS calls the daemon made so far, from its own per-operation call counter on
 * /metrics. The counter must show the daemon's reads too, or a renamed metric would read
 * as "no deletion".
 */
async function deletingCalls(daemon: DaemonProcess): Promise<number> {
  const { text } = await daemon.get('/metrics');
  const byOperation = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^ecs_reconciler_aws_calls_total\{([^}]*)\} ([0-9.e+-]+)$/.exec(line);
    const operation = m ? /operation="([^"]*)"/.exec(m[1]!)?.[1] : undefined;
    if (operation) byOperation.set(operation, (byOperation.get(operation) ?? 0) + Number(m![2]));
  }
  expect(byOperation.get('DescribeServices') ?? 0).toBeGreaterThan(0);
  return DELETING_OPERATIONS.reduce((sum, op) => sum + (byOperation.get(op) ?? 0), 0);
}

/** Removes every file under dir, keeping the folders: the load finds a folder with nothing in it. */
function removeManifestFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeManifestFiles(path);
    else rmSync(path);
  }
}

async function report(daemon: DaemonProcess): Promise<ReportBody> {
  return JSON.parse((await daemon.get('/report')).text) as ReportBody;
}

async function passesAfter(daemon: DaemonProcess, count: number): Promise<LogLine[]> {
  const passes: LogLine[] = [];
  for (let i = 0; i < count; i++) passes.push(await daemon.waitForNext(isPass, 15_000, `pass ${i + 1} of ${count}`));
  return passes;
}

async function desiredCountOf(cluster: string, service: string): Promise<number | undefined> {
  const r = await ecsClient().send(new DescribeServicesCommand({ cluster, services: [service] }));
  return r.services?.[0]?.desiredCount;
}

describe('the daemon with a refused prune stage', () => {
  const posts: WebhookPost[] = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let hook = '';
  let daemon: DaemonProcess | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((body) => posts.push(JSON.parse(body) as WebhookPost));
    hook = receiver.url;
  });

  afterAll(async () => {
    await daemon?.stop();
    await receiver?.close();
  });

  it('an emptied folder deletes nothing over several passes: /report holds the refusal and --allow-empty, the webhook is told once', async () => {
    const dir = scratchManifests();
    daemon = startDaemon(dir, ['--prune', '--controller-id', 'default', '--interval', '1s', '--notify-webhook', hook]);
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 11, 60_000, 'a pass with 11 in-sync');
    const postsBefore = posts.length;

    removeManifestFiles(dir);
    await daemon.waitForNext(
      (l) => l.stage === 'prune' && typeof l.msg === 'string' && l.msg.includes('yield no resources at all'),
      20_000,
      'the prune refusal logged',
    );
    const passes = await passesAfter(daemon, 3);
    // every pass of the three saw the managed resources as orphans (the worker service,
    // annotated prune "false", as retained), and deleted none
    for (const p of passes) expect(p.states).toMatchObject({ orphaned: 10, retained: 1 });
    expect(await deletingCalls(daemon)).toBe(0);
    expect(daemon.lines.filter((l) => typeof l.action === 'string' && l.action.startsWith('de'))).toEqual([]);
    expect(await desiredCountOf('prod', 'api')).toBe(3);

    const body = await report(daemon);
    // the worker service (prune "false") keeps its task definition and the batch cluster, and the
    // capacity provider waits for the service on it (issue 17): 7 of the 10 orphans would go
    expect(body.prune).toMatchObject({ status: 'refused', deletions: 7 });
    const pruneProblems = body.problems.filter((p) => p.stage === 'prune');
    // one problem for the stage, not one per orphan
    expect(pruneProblems).toHaveLength(1);
    expect(pruneProblems[0]!.message).toMatch(/^prune refused: the manifests yield no resources at all.*pass --allow-empty to prune to empty on purpose/);

    // one post about it, not one per pass: each orphan the refusal keeps entered error once
    // (the batch cluster and the worker task definition, still in use, were never to go)
    const about = posts.slice(postsBefore);
    expect(about).toHaveLength(1);
    expect(about[0]!.transitions.map((t) => t.resource).sort()).toEqual([
      'CapacityProvider/us-east-1/prod-ec2',
      'Cluster/us-east-1/prod',
      'Service/us-east-1/prod/api',
      'Service/us-east-1/prod/cache',
      'Service/us-east-1/prod/web',
      'TaskDefinition/us-east-1/api',
      'TaskDefinition/us-east-1/cache',
      'TaskDefinition/us-east-1/web',
    ]);
    expect(about[0]!.transitions.every((t) => t.from === 'ok' && t.to === 'error' && t.state === 'orphaned')).toBe(true);
    expect(about[0]!.text).toContain('prune refused: the manifests yield no resources at all');
    expect(about[0]!.text).toContain('--allow-empty');
    await daemon.stop();
    daemon = undefined;
  }, 120_000);

  it('a prune over --max-prune is refused while a drift on a remaining service is still restored', async () => {
    // the estate of the first case is still live: all 8 managed resources
    const dir = scratchManifests();
    await reconcile(dir, { mode: 'apply', prune: true, controllerId: 'default' });
    // the web task definition and service leave the manifests: two orphans, one allowed
    rmSync(join(dir, 'web'), { recursive: true });
    const postsBefore = posts.length;
    daemon = startDaemon(dir, ['--prune', '--controller-id', 'default', '--max-prune', '1', '--interval', '1s', '--notify-webhook', hook]);
    await daemon.waitFor(
      (l) => l.stage === 'prune' && typeof l.msg === 'string' && l.msg.includes('more than --max-prune 1'),
      30_000,
      'the --max-prune refusal logged',
    );

    // behind the daemon's back
    await ecsClient().send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 7 }));
    const restored = await daemon.waitForNext(
      (l) => l.action === 'update-service' && l.resource === 'Service/us-east-1/prod/api',
      20_000,
      'the UpdateService of api',
    );
    expect(restored.outcome).toBe('applied');
    expect(await desiredCountOf('prod', 'api')).toBe(3);
    await passesAfter(daemon, 3);

    expect(await deletingCalls(daemon)).toBe(0);
    expect(await desiredCountOf('prod', 'web')).toBeDefined();
    const body = await report(daemon);
    expect(body.prune).toMatchObject({ status: 'refused', deletions: 2 });
    const pruneProblems = body.problems.filter((p) => p.stage === 'prune');
    expect(pruneProblems).toHaveLength(1);
    expect(pruneProblems[0]!.message).toMatch(
      /^prune refused: it would delete 2 of the \d+ resource\(s\) this controller manages, more than --max-prune 1\. Check the plan; pass --max-prune 2 to go on/,
    );
    const byId = new Map(body.resources.map((r) => [r.id, r.state]));
    expect(byId.get('Service/us-east-1/prod/web')).toBe('orphaned');
    expect(byId.get('TaskDefinition/us-east-1/web')).toBe('orphaned');
    expect(byId.get('Service/us-east-1/prod/api')).toBe('in-sync');

    // the two orphans entered error once; the api's drift and its repair are their own news
    const orphanPosts = posts.slice(postsBefore).filter((p) => p.transitions.some((t) => t.state === 'orphaned'));
    expect(orphanPosts).toHaveLength(1);
    expect(
      orphanPosts[0]!.transitions
        .filter((t) => t.state === 'orphaned')
        .map((t) => t.resource)
        .sort(),
    ).toEqual(['Service/us-east-1/prod/web', 'TaskDefinition/us-east-1/web']);
    expect(orphanPosts[0]!.text).toContain('pass --max-prune 2 to go on');
  }, 120_000);
});
