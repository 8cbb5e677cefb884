/**
 * GET /report/tasks?service=ID[&format=html]: a service's tasks by last status, read on
 * demand (issue 16: the task list costs ListTasks and DescribeTasks, so a pass reads it
 * only while a rollout is under way; a person asks for the rest from the page). Behind the
 * daemon's request guard like /report (Host check, --report-token). Only a service of the
 * last report can be asked for, so the endpoint never becomes a way to read any ECS
 * service the controller's role can see; one read a service per few seconds at most, so
 * a refreshing browser does not spend the account's ECS rate.
 */
import type { Gateways } from '../aws/index.js';
import { type ServiceTaskList, serviceTaskList } from '../kinds/service/report.js';
import { readServiceTasks } from '../kinds/service/tasks.js';
import { type Report, renderTaskListPage } from '../report/index.js';

const FRESH_MS = 5_000;
const MAX_CACHED = 1_000;

export function taskListEndpoint(gateways: Gateways, lastReport: () => Report | undefined, now: () => number = Date.now) {
  const cache = new Map<string, { at: number; list: ServiceTaskList }>();
  return async (q: URLSearchParams): Promise<{ status: number; type: string; body: string }> => {
    const id = q.get('service') ?? '';
    const html = q.get('format') === 'html';
    const r = lastReport()?.resources.find((x) => x.id === id);
    // a service the last pass read live: its health has the deployment counts
    if (!r?.cluster || !r.health || !('runningCount' in r.health))
      return {
        status: 404,
        type: 'application/json; charset=utf-8',
        body: `${JSON.stringify({ error: `no live service ${JSON.stringify(id)} in the last report: give ?service= a service's resource id, e.g. Service/us-east-1/prod/web` })}\n`,
      };
    let entry = cache.get(id);
    if (!entry || now() - entry.at > FRESH_MS) {
      const tasks = await readServiceTasks(gateways.forRegion(r.region), r.cluster, r.name);
      entry = { at: now(), list: serviceTaskList(id, tasks, new Date(now())) };
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(id, entry);
    }
    return html
      ? { status: 200, type: 'text/html; charset=utf-8', body: renderTaskListPage(entry.list) }
      : { status: 200, type: 'application/json; charset=utf-8', body: `${JSON.stringify(entry.list, null, 2)}\n` };
  };
}
