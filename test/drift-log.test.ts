// The daemon's drift line: once per resource per change, with paths and masked values.
import { describe, expect, it } from 'vitest';
import { DriftLog } from '../src/daemon/drift-log.js';
import type { FieldChange, ResourceDiff, ResourceState } from '../src/diff/types.js';
import { Redactor } from '../src/report/index.js';

function diff(id: string, state: ResourceState, changes: FieldChange[]): ResourceDiff {
  return { id, kind: 'Service', region: 'eu-west-1', cluster: 'prod', name: id.split('/').at(-1)!, state, changes } as unknown as ResourceDiff;
}

const api = 'Service/eu-west-1/prod/api';
const count = (live: number): FieldChange => ({ path: 'desiredCount', live, desired: 3, cause: 'out-of-band' });

describe('the drift line', () => {
  it('names every changed field with its live and desired value', () => {
    const lines = new DriftLog(new Redactor()).linesFor([
      diff(api, 'drifted', [count(9), { path: 'containerDefinitions[name=app].image', live: 'nginx:1.25', desired: 'nginx:1.27', cause: 'out-of-band' }]),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toBe(`${api} drifted: desiredCount: 9 → 3; containerDefinitions[name=app].image: "nginx:1.25" → "nginx:1.27"`);
    expect(lines[0]!.changes).toEqual([
      { path: 'desiredCount', live: 9, desired: 3, cause: 'out-of-band' },
      { path: 'containerDefinitions[name=app].image', live: 'nginx:1.25', desired: 'nginx:1.27', cause: 'out-of-band' },
    ]);
  });

  it('is said once while the same drift stays (report mode), again when it changes', () => {
    const log = new DriftLog(new Redactor());
    expect(log.linesFor([diff(api, 'drifted', [count(6)])])).toHaveLength(1);
    expect(log.linesFor([diff(api, 'drifted', [count(6)])])).toHaveLength(0);
    expect(log.linesFor([diff(api, 'drifted', [count(6)])])).toHaveLength(0);
    expect(log.linesFor([diff(api, 'drifted', [count(7)])]).map((l) => l.msg)).toEqual([`${api} drifted: desiredCount: 7 → 3`]);
  });

  it('is said again for the same values after the resource was in sync in between', () => {
    const log = new DriftLog(new Redactor());
    expect(log.linesFor([diff(api, 'drifted', [count(9)])])).toHaveLength(1);
    expect(log.linesFor([diff(api, 'in-sync', [])])).toHaveLength(0);
    expect(log.linesFor([diff(api, 'drifted', [count(9)])])).toHaveLength(1);
  });

  it('masks the values of sensitive environment variables, in the message and the fields', () => {
    const path = 'containerDefinitions[name=app].environment[name=DB_PASSWORD].value';
    const [line] = new DriftLog(new Redactor()).linesFor([diff(api, 'drifted', [{ path, live: 'hunter2-changed', desired: 'hunter2', cause: 'out-of-band' }])]);
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(line!.msg).toContain(`${path}: "${String(new Redactor().valueAt(path, 'hunter2-changed'))}" → "${String(new Redactor().valueAt(path, 'hunter2'))}"`);
  });

  it('says nothing of pending, missing or in-sync resources: those are the manifest, not drift', () => {
    const log = new DriftLog(new Redactor());
    expect(
      log.linesFor([
        diff(api, 'pending', [{ path: 'desiredCount', live: 2, desired: 3, cause: 'manifest' }]),
        diff('Service/eu-west-1/prod/web', 'missing', []),
        diff('Service/eu-west-1/prod/w', 'in-sync', []),
      ]),
    ).toEqual([]);
  });
});
