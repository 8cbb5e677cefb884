// GET /report/tasks on the in-memory gateway: only a service of the last report is read,
// at most once per few seconds a service, as JSON or as a page.
import { describe, expect, it } from 'vitest';
import { taskListEndpoint } from '../src/daemon/task-list-endpoint.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, passOnFake } from './support/pass-on-fake.js';

const SERVICE_ID = `Service/${FAKE_REGION}/prod/web`;

describe('the on-demand task list', () => {
  it('reads a service of the last report (ListTasks RUNNING and STOPPED), once per 5 s, and refuses any other id', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, fixture('estate.yaml'));
    // the pass after the create: the service is live in the report
    const pass = await passOnFake(fake, fixture('estate.yaml'), { mode: 'plan' });
    const stopped = {
      taskArn: `arn:aws:ecs:${FAKE_REGION}:123456789012:task/prod/abc`,
      lastStatus: 'STOPPED',
      stoppedReason: 'Essential container in task exited',
    };
    fake.forRegion(FAKE_REGION).stopTasks('prod', 'web', [stopped]);
    let clock = 1_000_000;
    const endpoint = taskListEndpoint(
      fake,
      () => pass.report,
      () => clock,
    );
    fake.clearCalls();

    const first = await endpoint(new URLSearchParams({ service: SERVICE_ID }));
    expect(first.status).toBe(200);
    const body = JSON.parse(first.body) as { tasks: Record<string, number>; list: Array<{ task: string; stoppedReason?: string }> };
    expect(body.tasks).toEqual({ PENDING: 0, RUNNING: 0, STOPPING: 0, STOPPED: 1 });
    expect(body.list).toEqual([{ task: 'abc', lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited' }]);
    expect(fake.callsOf('ListTasks').map((c) => c.input.desiredStatus)).toEqual(['RUNNING', 'STOPPED']);

    // a refreshing browser: the second ask within 5 s reads nothing
    clock += 4_000;
    const page = await endpoint(new URLSearchParams({ service: SERVICE_ID, format: 'html' }));
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('STOPPED 1');
    expect(fake.callsOf('ListTasks')).toHaveLength(2);
    clock += 2_000;
    await endpoint(new URLSearchParams({ service: SERVICE_ID }));
    expect(fake.callsOf('ListTasks')).toHaveLength(4);

    for (const service of ['', `Service/${FAKE_REGION}/prod/someone-elses`, `Cluster/${FAKE_REGION}/prod`]) {
      const refused = await endpoint(new URLSearchParams({ service }));
      expect(refused.status, service).toBe(404);
    }
    expect(fake.callsOf('ListTasks')).toHaveLength(4);
  });
});
