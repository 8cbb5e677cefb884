// A service remembers the revision it runs (ARN and content hash, in its own tags), so a
// new process plans without describing it; only revisions nobody recorded are read.
import { describe, expect, it } from 'vitest';
import { TAG } from '../src/model/resource.js';
import { recordedRevision, recordedRevisionOf, revisionRecordTags } from '../src/model/revision-record.js';
import { planEstate } from '../src/pipeline/plan.js';
import {
  byId,
  desired,
  diff,
  estate,
  family,
  liveService,
  liveServiceSpec,
  managedTags,
  revisionArn,
  SVC_ID,
  syncedEstate,
  TD_ID,
  tdSpec,
} from './engine-fixtures.js';

const plan = (d: ReturnType<typeof diff>) => planEstate(d, { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' });

/** The synced estate as a new process reads it: the revision known only by the service's record. */
function coldEstate(s = syncedEstate()) {
  const rec = recordedRevisionOf(s.live.service.tags, s.live.rev5.arn)!;
  const known = recordedRevision(rec.arn, rec.hash, s.live.service.tags[TAG.managedBy]);
  const service = { ...s.live.service, primaryRevision: known };
  return { s, known, live: estate({ clusters: [s.live.cluster], families: [family([known])], services: [service] }) };
}

describe('the revision record on a service', () => {
  it('holds the revision ARN and the TaskDefinition manifest hash after apply', () => {
    const s = syncedEstate();
    expect(s.live.service.tags[TAG.taskDefinition]).toBe(revisionArn('app', 5));
    expect(s.live.service.tags[TAG.taskDefinitionHash]).toBe(s.hashes[TD_ID]);
  });

  it('is trusted only for the ARN the service runs now', () => {
    const tags = { [TAG.taskDefinition]: revisionArn('app', 5), [TAG.taskDefinitionHash]: 'h' };
    expect(recordedRevisionOf(tags, revisionArn('app', 5))).toEqual({ arn: revisionArn('app', 5), hash: 'h' });
    expect(recordedRevisionOf(tags, revisionArn('app', 6))).toBeUndefined();
    expect(recordedRevisionOf({}, revisionArn('app', 5))).toBeUndefined();
  });

  it("is left out when ECS's 50 tags a resource leave no room, or the ARN exceeds a tag value's 256 characters", () => {
    expect(revisionRecordTags(revisionArn('app', 5), 'h', 43)).toEqual({ [TAG.taskDefinition]: revisionArn('app', 5), [TAG.taskDefinitionHash]: 'h' });
    expect(revisionRecordTags(revisionArn('app', 5), 'h', 44)).toEqual({});
    expect(revisionRecordTags(revisionArn('x'.repeat(250), 5), 'h', 0)).toEqual({});
    expect(revisionRecordTags(undefined, 'h', 0)).toEqual({});
  });
});

describe('a plan from records alone', () => {
  it('judges a recorded revision in sync without its body, and asks for no revision', () => {
    const { s, live } = coldEstate();
    const d = diff(s.desired, live);
    expect(byId(d, TD_ID).state).toBe('in-sync');
    expect(byId(d, SVC_ID).state).toBe('in-sync');
    expect(d.flatMap((x) => x.unresolvedRevisions ?? [])).toEqual([]);
    expect(plan(d).actions).toEqual([]);
  });

  it("asks for the recorded revision's body when the manifest changed (its fields are to be shown)", () => {
    const { s, known, live } = coldEstate();
    const changed = desired('TaskDefinition', 'app', tdSpec({ image: 'nginx:1.28' }));
    const d = diff([s.desired[0]!, changed, s.desired[2]!], live);
    expect(byId(d, TD_ID).unresolvedRevisions).toEqual([known.arn]);
    expect(byId(d, SVC_ID).unresolvedRevisions).toEqual([known.arn]);
  });

  it('asks for the body when the TaskDefinition manifest ignores a field (the content then comes from live)', () => {
    const { s, known, live } = coldEstate();
    const ignoring = desired('TaskDefinition', 'app', tdSpec(), { annotations: { 'ecs-reconciler/ignore': 'containerDefinitions[name=app].image' } });
    const d = diff([s.desired[0]!, ignoring, s.desired[2]!], live);
    expect(byId(d, TD_ID).unresolvedRevisions).toEqual([known.arn]);
  });

  it('an in-sync service without a record gets one (tag-resource), once', () => {
    const s = syncedEstate();
    const bare = liveService({ name: 'web', spec: liveServiceSpec(), tags: managedTags(s.hashes[SVC_ID]), primary: s.live.rev5 });
    const d = diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [bare] }));
    expect(byId(d, SVC_ID)).toMatchObject({ state: 'in-sync', staleHash: true, taskDefinitionHash: s.hashes[TD_ID] });
    expect(plan(d).actions.map((a) => [a.kind, a.resource])).toEqual([['tag-resource', SVC_ID]]);
    expect(byId(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [s.live.service] })), SVC_ID).staleHash).toBe(false);
  });
});
