// Tasks by state on the daemon's page (issue 16, "the page shows tasks by state"): the
// daemon as users run it, on the emulator, whose rollouts (scripts/emulator_ext/deployments.py)
// move tasks PENDING -> RUNNING and, for a `-crashloop` image, PENDING -> STOPPED. The task
// list is read by a pass only while a rollout is under way, and on demand from the page
// (/report/tasks); /metrics carries each service's rollout state and task counts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, isPass, startDaemon, until } from './daemon-helpers.js';
import { emulatorEnv, resetEmulator } from './emulator-helpers.js';
import { rolloutEstate } from './rollout-estate.js';

const CLUSTER = 'task-states';

function manifest(imageTag: string): string {
  // no circuit breaker: a -crashloop rollout stays IN_PROGRESS, its tasks failing one after another
  return rolloutEstate({ cluster: CLUSTER, family: 'task-states-web', service: 'web', image: imageTag, desiredCount: 2 });
}

interface TaskList {
  service: string;
  tasks: Record<string, number>;
  list: Array<{ task: string; lastStatus: string; revision?: string; stoppedReason?: string; stopCode?: string }>;
}

interface ReportBody {
  resources: Array<{ id: string; health?: { tasks: Record<string, number>; tasksFrom: string; rolloutState?: string } }>;
}

describe('tasks by state on the daemon page', () => {
  let daemon: DaemonProcess | undefined;
  beforeAll(async () => {
    await resetEmulator();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("shows a steady service's tasks on demand, and a rollout's tasks by state (the failed ones with their reason) on the page and /metrics", async () => {
    const id = `Service/${emulatorEnv().region}/${CLUSTER}/web`;
    const dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-task-states-'));
    const file = join(dir, 'estate.yaml');
    writeFileSync(file, manifest('1.27'));
    daemon = startDaemon(dir, ['--interval', '1s']);
    await daemon.waitFor((l) => isPass(l) && (l.states as Record<string, number>)['in-sync'] === 3, 60_000, 'the estate in sync');
    const d = daemon;

    // on demand: the service's task list, once its rollout has completed
    const taskList = async () => JSON.parse((await d.get(`/report/tasks?service=${encodeURIComponent(id)}`)).text) as TaskList;
    const steady = await until(taskList, (t) => t.tasks.RUNNING === 2, 30_000, 'two RUNNING tasks', 250);
    expect(steady.tasks).toMatchObject({ PENDING: 0, RUNNING: 2, STOPPING: 0 });
    expect(steady.list.filter((t) => t.lastStatus === 'RUNNING').map((t) => t.revision)).toEqual(['task-states-web:1', 'task-states-web:1']);
    const html = await d.get(`/report/tasks?service=${encodeURIComponent(id)}&format=html`);
    expect(html.status).toBe(200);
    expect(html.text).toContain('PENDING 0, RUNNING 2, STOPPING 0');
    // the page links the on-demand list from the service's row
    const page = (await d.get('/?show=all')).text;
    expect(page).toContain(`href="/report/tasks?service=${encodeURIComponent(id)}&amp;format=html"`);
    // only a service of the last report: not a way to read any service the role can see
    const other = await d.get(`/report/tasks?service=${encodeURIComponent(`Service/${emulatorEnv().region}/${CLUSTER}/not-managed`)}`);
    expect(other.status).toBe(404);

    // a -crashloop rollout: under way for ever (no circuit breaker); the pass reads the task list
    writeFileSync(file, manifest('1.28-crashloop'));
    const report = async () => JSON.parse((await d.get('/report')).text) as ReportBody;
    const during = await until(
      report,
      (r) => {
        const h = r.resources.find((x) => x.id === id)?.health;
        return h?.tasksFrom === 'task list' && (h.tasks.STOPPED ?? 0) > 0;
      },
      30_000,
      'a pass that read the task list of the failing rollout',
      250,
    );
    const health = during.resources.find((x) => x.id === id)!.health!;
    expect(health.rolloutState).toBe('IN_PROGRESS');
    // the old revision's two tasks keep running while the new ones fail
    expect(health.tasks.RUNNING).toBe(2);
    const duringPage = (await d.get('/?show=all')).text;
    expect(duringPage).toMatch(/tasks: (PENDING \d+, )?RUNNING 2, STOPPED \d+ \(task list\)/);
    expect(duringPage).toContain('Essential container in task exited');

    // (the on-demand list is read at most once per 5 s a service: the first answers may be the steady one's)
    const failedOf = (t: TaskList) => t.list.filter((x) => x.lastStatus === 'STOPPED' && x.revision === 'task-states-web:2');
    const list = await until(taskList, (t) => failedOf(t).length > 0, 30_000, 'the failed tasks in the on-demand list', 250);
    const failed = failedOf(list);
    expect(failed[0]).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });

    const metrics = (await d.get('/metrics')).text;
    expect(metrics).toContain(`ecs_reconciler_service_rollout{resource="${id}",state="IN_PROGRESS"} 1`);
    expect(metrics).toContain(`ecs_reconciler_service_tasks{resource="${id}",value="running"} 2`);
    expect(metrics).toContain(`ecs_reconciler_service_tasks{resource="${id}",value="desired"} 2`);
  }, 150_000);
});
