// A service's tasks by last status (issue 16, item 1), read economically: the task list
// (ListTasks + DescribeTasks) only while a rollout is under way; the counts of
// DescribeServices otherwise. On the in-memory gateway, and as plain data.
import { describe, expect, it } from 'vitest';
import { serviceTaskList, tasksByStateText } from '../src/kinds/service/report.js';
import { rolloutUnderWay, tasksByStatus } from '../src/kinds/service/tasks.js';
import { renderMarkdown, renderTaskListPage, renderText } from '../src/report/index.js';
import { InMemoryGateways } from './support/in-memory-gateway.js';
import { FAKE_REGION, fixture, passOnFake } from './support/pass-on-fake.js';

const ESTATE = fixture('estate.yaml');
const SERVICE_ID = `Service/${FAKE_REGION}/prod/web`;

describe('tasks by last status', () => {
  it('counts the four states of a task in order, and any other status ECS gives', () => {
    const counts = tasksByStatus([{ lastStatus: 'RUNNING' }, { lastStatus: 'STOPPED' }, { lastStatus: 'RUNNING' }, { lastStatus: 'PROVISIONING' }]);
    expect(counts).toEqual({ PENDING: 0, RUNNING: 2, STOPPING: 0, STOPPED: 1, PROVISIONING: 1 });
    expect(tasksByStateText(counts)).toBe('PENDING 0, RUNNING 2, STOPPING 0, STOPPED 1, PROVISIONING 1');
  });

  it('a rollout is under way with two deployments or a PRIMARY IN_PROGRESS, not when steady', () => {
    const dep = (status: string, rolloutState: string) => ({
      status,
      rolloutState,
      taskDefinitionArn: 'x',
      desiredCount: 1,
      runningCount: 1,
      pendingCount: 0,
      failedTasks: 0,
    });
    expect(rolloutUnderWay({ deployments: [dep('PRIMARY', 'COMPLETED')] })).toBe(false);
    expect(rolloutUnderWay({ deployments: [dep('PRIMARY', 'IN_PROGRESS')] })).toBe(true);
    expect(rolloutUnderWay({ deployments: [dep('PRIMARY', 'COMPLETED'), dep('ACTIVE', 'COMPLETED')] })).toBe(true);
    // a CODE_DEPLOY service rolls out task sets: its CodeDeploy deployment says whether one is under way
    expect(rolloutUnderWay({ deployments: [], codeDeployDeployment: { id: 'd-A1B2C3D4E', status: 'InProgress', rolledBack: false } })).toBe(true);
    expect(rolloutUnderWay({ deployments: [], codeDeployDeployment: { id: 'd-A1B2C3D4E', status: 'Failed', rolledBack: false } })).toBe(false);
  });

  it("the on-demand list names each task by id and revision, the stopped ones with ECS's code and reason; its page escapes what ECS says", () => {
    const list = serviceTaskList(
      SERVICE_ID,
      [
        { arn: 'arn:aws:ecs:us-east-1:1:task/prod/aaa', lastStatus: 'RUNNING', taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:1' },
        {
          arn: 'arn:aws:ecs:us-east-1:1:task/prod/bbb',
          lastStatus: 'STOPPED',
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:2',
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited <script>',
        },
      ],
      new Date('2026-12-02T00:00:00Z'),
    );
    expect(list.tasks).toEqual({ PENDING: 0, RUNNING: 1, STOPPING: 0, STOPPED: 1 });
    expect(list.list[1]).toEqual({
      task: 'bbb',
      lastStatus: 'STOPPED',
      revision: 'web:2',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited <script>',
    });
    const page = renderTaskListPage(list);
    expect(page).toContain('PENDING 0, RUNNING 1, STOPPING 0, STOPPED 1');
    expect(page).toContain('EssentialContainerExited: Essential container in task exited &lt;script&gt;');
    expect(page).not.toContain('<script>');
  });
});

describe('the task list in a pass', () => {
  it('is not read for a steady service: its counts come from DescribeServices', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { mode: 'plan' });
    expect(fake.callsOf('ListTasks')).toEqual([]);
    expect(fake.callsOf('DescribeTasks')).toEqual([]);
    const health = pass.report.resources.find((r) => r.id === SERVICE_ID)?.health;
    expect(health).toMatchObject({ tasksFrom: 'service counts' });
  });

  it('is read while a rollout is under way, and shown in text, Markdown and JSON', async () => {
    const fake = new InMemoryGateways();
    await passOnFake(fake, ESTATE);
    const gw = fake.forRegion(FAKE_REGION);
    gw.startRollout('prod', 'web', gw.service('prod', 'web')!.taskDefinition!);
    fake.clearCalls();
    const pass = await passOnFake(fake, ESTATE, { mode: 'plan' });
    expect(fake.callsOf('ListTasks').map((c) => c.input.desiredStatus)).toEqual(['RUNNING', 'STOPPED']);
    const resource = pass.report.resources.find((r) => r.id === SERVICE_ID)!;
    expect(resource.health).toMatchObject({ tasksFrom: 'task list', tasks: { PENDING: 0, RUNNING: 0, STOPPING: 0, STOPPED: 0 } });
    expect(renderText(pass.report, { show: 'all' })).toContain('tasks: PENDING 0, RUNNING 0, STOPPING 0, STOPPED 0 (task list)');
    expect(renderMarkdown(pass.report, { show: 'all' })).toContain('tasks PENDING 0, RUNNING 0, STOPPING 0, STOPPED 0');
  });
});
