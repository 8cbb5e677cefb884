// sameAsLast (src/kinds/same-record.ts): the daemon keeps the last read's record of a
// resource while a new read says the same, field by field (issue 19).
import { describe, expect, it } from 'vitest';
import { sameAsLast } from '../../src/kinds/same-record.js';

const last = {
  name: 'web',
  tags: { team: 'web', 'ecs-reconciler:managed-by': 'default' },
  primaryRevision: {
    arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
    revision: 3,
    spec: { cpu: '256', containerDefinitions: [{ name: 'app', essential: true }] },
  },
  events: [{ at: '2026-12-01T00:00:00.000Z', message: '(service web) has reached a steady state.' }],
};

describe('sameAsLast', () => {
  it('hands back the last record when every field is the same data, made again', () => {
    expect(sameAsLast(structuredClone(last), last)).toBe(last);
  });

  it('hands back the new record when anything below a field differs', () => {
    const deep = structuredClone(last);
    (deep.primaryRevision.spec.containerDefinitions[0] as { essential: boolean }).essential = false;
    const longer = { ...structuredClone(last), events: [...last.events, { message: 'more' }] };
    const moreKeys = { ...structuredClone(last), tags: { ...last.tags, extra: '1' } };
    const number = structuredClone(last);
    number.primaryRevision.revision = 4;
    const listForRecord = { ...structuredClone(last), events: { 0: last.events[0] } as unknown as typeof last.events };
    const extraField = { ...structuredClone(last), scaling: {} };
    for (const next of [deep, longer, moreKeys, number, listForRecord, extraField]) expect(sameAsLast(next, last as typeof next)).toBe(next);
  });

  it('has nothing to keep without a last record', () => {
    const next = structuredClone(last);
    expect(sameAsLast(next, undefined)).toBe(next);
  });
});
