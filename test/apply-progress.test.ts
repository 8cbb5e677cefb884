// Apply's progress: [i/n] per action, an ETA on long runs, and a wait on the client-side
// rate limit said as such rather than looking like a hang.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/aws/rate-limit.js';
import { ApplyProgress, formatDuration, interruptionSummary } from '../src/cli/apply-progress.js';
import type { PlannedAction } from '../src/plan/types.js';

const action = (i: number): PlannedAction => ({
  kind: 'register-task-definition',
  resource: `TaskDefinition/eu-west-1/app-${i}`,
  resourceKind: 'TaskDefinition',
  reason: 'in the manifests, not live',
  fields: [],
});

describe('apply progress', () => {
  it('numbers each action and gives an ETA from the mean time per action once a long run has some behind it', () => {
    const lines: string[] = [];
    let now = 0;
    const p = new ApplyProgress(
      (t) => lines.push(t),
      () => now,
    );
    const total = 235;
    for (let i = 1; i <= 4; i++) {
      p.actionStarted(action(i), i, total);
      now += 1000; // one a second: the RegisterTaskDefinition rate
      p.actionEnded({ action: action(i), outcome: 'applied', durationMs: 1000 });
    }
    p.actionStarted(action(5), 5, total);
    expect(lines[0]).toBe('[  1/235] register-task-definition TaskDefinition/eu-west-1/app-1 ...\n');
    expect(lines[1]).toBe('          ✓ applied (1000 ms)\n');
    expect(lines.at(-1)).toBe('[  5/235] register-task-definition TaskDefinition/eu-west-1/app-5 ... (ETA 3m51s)\n');
    p.rateLimitWait('RegisterTaskDefinition', { rate: 1, burst: 5 });
    expect(lines.at(-1)).toContain('waiting on the client-side rate limit for RegisterTaskDefinition (1 a second, bursts of 5');
  });

  it('a short run shows no ETA', () => {
    const lines: string[] = [];
    const p = new ApplyProgress(
      (t) => lines.push(t),
      () => 0,
    );
    for (let i = 1; i <= 5; i++) p.actionStarted(action(i), i, 9);
    expect(lines.join('')).not.toContain('ETA');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });

  it('after Ctrl-C, says what ran and lists what did not start', () => {
    const actions = [action(1), action(2), action(3)];
    const text = interruptionSummary(actions, [{ action: actions[0]!, outcome: 'applied', durationMs: 5 }]);
    expect(text).toContain(
      'Interrupted: 1 of 3 action(s) ran (1 applied, 0 failed); 2 not started:\n  - register-task-definition TaskDefinition/eu-west-1/app-2\n',
    );
  });

  it('the rate limiter tells when a call waits on its bucket', async () => {
    const waits: string[] = [];
    const limiter = new RateLimiter({ RegisterTaskDefinition: { rate: 1, burst: 1 } }, (op) => waits.push(op));
    await limiter.acquire('RegisterTaskDefinition');
    expect(waits).toEqual([]);
    await limiter.acquire('RegisterTaskDefinition'); // the bucket is empty: about a second
    expect(waits).toEqual(['RegisterTaskDefinition']);
  });
});
