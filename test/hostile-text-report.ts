// A report carrying text from live ECS that an adversary wrote: a stoppedReason (anyone
// with ecs:StopTask sets it), service events, a tag key, a file name. Shared by the unit
// test of each format and the Chromium test of the page and the Markdown.
import type { Report, ReportResource } from '../src/report/model.js';

export const HOSTILE = {
  backticks: 'a `` ` `` code ``` span',
  details: '</details></table><h1>forged</h1>',
  img: '<img src="http://127.0.0.1:9/exfil.png" onerror="document.title=\'pwned\'">',
  link: '[click](http://evil.example/) ![x](http://127.0.0.1:9/x.png)',
  pipes: 'a | b || c',
  terminal: '\u001b[2J\u001b]0;title\u0007\u001b[31mred\u001b[0m\u0008\u009b1m\u202eevil',
  slack: '@channel <!here> <!channel> <@U024BE7LH> <http://evil.example|https://aws.amazon.com>',
  newline: 'one\n  ✓ in-sync   Service/eu-west-1/prod/forged',
};

export function hostileReport(): Report {
  const web: ReportResource = {
    id: 'Service/eu-west-1/prod/web',
    kind: 'Service',
    region: 'eu-west-1',
    cluster: 'prod',
    name: 'web',
    state: 'drifted',
    reason: `changed outside git: ${HOSTILE.link}`,
    suspended: false,
    source: `services/${HOSTILE.backticks}.yaml`,
    changes: [
      { path: `tags.${HOSTILE.pipes}`, live: HOSTILE.details, desired: HOSTILE.img, cause: 'out-of-band' },
      { path: 'tags.note', live: HOSTILE.slack, desired: HOSTILE.terminal, cause: 'out-of-band' },
    ],
    ignored: [],
    actions: [{ kind: 'tag-resource', reason: HOSTILE.newline, fields: ['tags'], outcome: 'failed', message: HOSTILE.terminal }],
    health: {
      rolloutState: 'FAILED',
      desiredCount: 2,
      runningCount: 0,
      pendingCount: 0,
      deployments: 1,
      failedTasks: 2,
      tasks: { STOPPED: 2 },
      tasksFrom: 'service counts',
      stoppedReasons: [
        { task: 'abc', reason: HOSTILE.details + HOSTILE.img },
        { task: 'def', reason: HOSTILE.terminal + HOSTILE.newline },
      ],
      events: [{ message: HOSTILE.backticks + HOSTILE.slack }, { message: HOSTILE.link + HOSTILE.pipes }],
    },
  };
  return {
    schemaVersion: 1,
    generatedAt: '2026-12-01T00:00:00.000Z',
    controllerId: 'default',
    mode: 'plan',
    loadComplete: true,
    summary: {
      resources: 1,
      byState: { 'in-sync': 0, pending: 0, drifted: 1, missing: 0, orphaned: 0, conflict: 0, invalid: 0, unknown: 0, degraded: 0, fighting: 0, retained: 0 },
      actionsPlanned: 1,
      actionsApplied: 0,
      actionsFailed: 1,
      problems: 1,
    },
    resources: [web],
    problems: [{ stage: 'load', file: `${HOSTILE.details}.yaml`, line: 1, column: 1, message: HOSTILE.terminal }],
  };
}
