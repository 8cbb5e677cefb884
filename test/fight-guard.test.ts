// The fight guard (issue 12, build 4) on plain data: the record in the resource's tag,
// the third pass in a row, the state `fighting`, and how it ends.
import { describe, expect, it } from 'vitest';
import { OPTIONAL_OWNERSHIP_KEYS } from '../src/apply/ownership.js';
import type { ResourceDiff } from '../src/diff/types.js';
import { TAG } from '../src/model/resource.js';
import { changeHash, FIGHT_LIMIT, FIGHT_MEMORY_MS, formatFightTag, guardFights, parseFightTag } from '../src/pipeline/fight-guard.js';
import { planEstate } from '../src/pipeline/plan.js';
import { buildReport } from '../src/report/build-report.js';
import { ReportSchema } from '../src/report/model.js';
import { renderPage } from '../src/report/render-html.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import { byId, desired, diff, estate, liveService, liveServiceSpec, managedTags, SVC_ID, serviceSpec, syncedEstate } from './engine-fixtures.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const T1 = new Date('2026-12-01T10:01:00.000Z');
const planOpts = { prune: false, loadComplete: true, keepRevisions: 5, controllerId: 'default' };

/** The small estate with web's desiredCount changed back to 5 outside git, and the given fight tag on web. */
function driftedWeb(fightTag?: string, svc = desired('Service', 'web', serviceSpec())) {
  const s = syncedEstate({ svc });
  const tags = { ...managedTags(s.hashes[SVC_ID]), ...(fightTag ? { [TAG.fight]: fightTag } : {}) };
  const service = liveService({ name: 'web', spec: liveServiceSpec({ desiredCount: 5 }), tags, primary: s.live.rev5 });
  const diffs = diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [service] }));
  return { diffs, hash: s.hashes[SVC_ID]!, change: changeHash(byId(diffs, SVC_ID).changes) };
}

function webOf(diffs: readonly ResourceDiff[]): ResourceDiff {
  return byId(diffs, SVC_ID);
}

describe('the fight guard', () => {
  it("a first restore of a drift writes a record of two applies (the manifest's own apply was the first), dated now", () => {
    const { diffs, hash, change } = driftedWeb();
    const web = webOf(guardFights(diffs, T0));
    expect(web.state).toBe('drifted');
    expect(parseFightTag(web.fightTag)).toEqual({ applied: 2, since: T0.toISOString(), last: T0.toISOString(), desiredHash: hash, changeHash: change });
  });

  it('a pending change is applied without a record: no tag to remove on the next, in-sync, pass', () => {
    const s = syncedEstate();
    const service = liveService({ name: 'web', spec: liveServiceSpec(), tags: managedTags('0000000000000000'), primary: s.live.rev5 });
    const svc = desired('Service', 'web', serviceSpec({ desiredCount: 4 }));
    const diffs = diff([...s.desired.slice(0, 2), svc], estate({ clusters: [s.live.cluster], families: [s.live.family], services: [service] }));
    const web = webOf(guardFights(diffs, T0));
    expect(web.state).toBe('pending');
    expect(web.fightTag).toBeUndefined();
  });

  it('the same change coming back counts on, keeping the first date', () => {
    const first = driftedWeb();
    const { diffs } = driftedWeb(
      formatFightTag({ applied: 2, since: T0.toISOString(), last: T0.toISOString(), desiredHash: first.hash, changeHash: first.change }),
    );
    const web = webOf(guardFights(diffs, T1));
    expect(web.state).toBe('drifted');
    expect(parseFightTag(web.fightTag)).toMatchObject({ applied: 3, since: T0.toISOString(), last: T1.toISOString() });
  });

  it(`after ${FIGHT_LIMIT} applies of the same change it is fighting: no action, the fields and the date reported`, () => {
    const first = driftedWeb();
    const { diffs } = driftedWeb(
      formatFightTag({ applied: FIGHT_LIMIT, since: T0.toISOString(), last: T0.toISOString(), desiredHash: first.hash, changeHash: first.change }),
    );
    const guarded = guardFights(diffs, T1);
    const web = webOf(guarded);
    expect(web.state).toBe('fighting');
    expect(web.fight).toEqual({ fields: ['desiredCount'], since: T0.toISOString(), applied: FIGHT_LIMIT });
    expect(web.fightTag).toBeUndefined();
    const plan = planEstate(guarded, planOpts);
    expect(plan.actions.filter((a) => a.resource === SVC_ID)).toEqual([]);
    expect(plan.skipped.find((s) => s.resource === SVC_ID)).toMatchObject({ error: true });
  });

  it('a changed manifest resumes applying: the count starts again', () => {
    const old = driftedWeb();
    const svc = desired('Service', 'web', serviceSpec({ desiredCount: 3 }));
    const { diffs, hash } = driftedWeb(
      formatFightTag({ applied: FIGHT_LIMIT, since: T0.toISOString(), last: T0.toISOString(), desiredHash: old.hash, changeHash: old.change }),
      svc,
    );
    const web = webOf(guardFights(diffs, T1));
    expect(web.state).not.toBe('fighting');
    expect(parseFightTag(web.fightTag)).toMatchObject({ applied: 2, since: T1.toISOString(), desiredHash: hash });
  });

  it('the same field coming back to another live value is another drift, restored', () => {
    const first = driftedWeb();
    const s = syncedEstate();
    const tags = {
      ...managedTags(s.hashes[SVC_ID]),
      [TAG.fight]: formatFightTag({ applied: FIGHT_LIMIT, since: T0.toISOString(), last: T0.toISOString(), desiredHash: first.hash, changeHash: first.change }),
    };
    const service = liveService({ name: 'web', spec: liveServiceSpec({ desiredCount: 9 }), tags, primary: s.live.rev5 });
    const web = webOf(guardFights(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [service] })), T1));
    expect(web.state).toBe('drifted');
    expect(parseFightTag(web.fightTag)?.applied).toBe(2);
  });

  it('another change for the same manifest is not the same fight', () => {
    const first = driftedWeb();
    const { diffs } = driftedWeb(
      formatFightTag({ applied: FIGHT_LIMIT, since: T0.toISOString(), last: T0.toISOString(), desiredHash: first.hash, changeHash: 'ffffffffffffffff' }),
    );
    const web = webOf(guardFights(diffs, T1));
    expect(web.state).toBe('drifted');
    expect(parseFightTag(web.fightTag)?.applied).toBe(2);
  });

  it('an in-sync pass costs no call: the record stays and outdates', () => {
    const s = syncedEstate();
    // the service as applied (its tags, revision record included), plus a fight record
    const tags = {
      ...s.live.service.tags,
      [TAG.fight]: formatFightTag({
        applied: 2,
        since: T0.toISOString(),
        last: T0.toISOString(),
        desiredHash: s.hashes[SVC_ID]!,
        changeHash: 'aaaaaaaaaaaaaaaa',
      }),
    };
    const service = liveService({ name: 'web', spec: liveServiceSpec(), tags, primary: s.live.rev5 });
    const guarded = guardFights(diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [service] })), T1);
    expect(webOf(guarded).state).toBe('in-sync');
    expect(planEstate(guarded, planOpts).actions).toEqual([]);
    // and a later apply does not remove it either (that would be a call of its own)
    expect(OPTIONAL_OWNERSHIP_KEYS).not.toContain(TAG.fight);
  });

  it(`a record whose last apply is older than a day is forgotten: one more try`, () => {
    const first = driftedWeb();
    const old = new Date(T1.getTime() - FIGHT_MEMORY_MS - 1).toISOString();
    const { diffs } = driftedWeb(formatFightTag({ applied: FIGHT_LIMIT, since: old, last: old, desiredHash: first.hash, changeHash: first.change }));
    const web = webOf(guardFights(diffs, T1));
    expect(web.state).toBe('drifted');
    expect(parseFightTag(web.fightTag)).toMatchObject({ applied: 2, since: T1.toISOString() });
  });

  it('a replacement is never repeated for the same manifest hash', () => {
    const svc = desired('Service', 'web', serviceSpec({ launchType: 'EC2' }), { annotations: { 'ecs-reconciler/allow-replace': 'true' } });
    const s = syncedEstate({ svc });
    const tags = { ...managedTags(s.hashes[SVC_ID]), [TAG.replacedFor]: s.hashes[SVC_ID]! };
    const service = liveService({ name: 'web', spec: liveServiceSpec(), tags, primary: s.live.rev5 });
    const diffs = diff(s.desired, estate({ clusters: [s.live.cluster], families: [s.live.family], services: [service] }));
    expect(webOf(diffs).replacementFields).toEqual(['launchType']);
    expect(planEstate(diffs, planOpts).actions.map((a) => a.kind)).toContain('replace-service');
    const guarded = guardFights(diffs, T1);
    expect(webOf(guarded).state).toBe('fighting');
    expect(planEstate(guarded, planOpts).actions.map((a) => a.kind)).not.toContain('replace-service');
  });

  it('the record is a valid ECS tag value and reads back', () => {
    const r = { applied: 3, since: T0.toISOString(), last: T1.toISOString(), desiredHash: '0123456789abcdef', changeHash: 'fedcba9876543210' };
    const value = formatFightTag(r);
    // TagResource: "letters, numbers, and spaces representable in UTF-8, and the following characters: + - = . _ : / @", at most 256
    expect(value).toMatch(/^[\p{L}\p{N}\s+\-=._:/@]{1,256}$/u);
    expect(parseFightTag(value)).toEqual(r);
    expect(parseFightTag('garbage')).toBeUndefined();
  });

  it('every report format shows the fight and the JSON validates against the report schema', () => {
    const first = driftedWeb();
    const { diffs } = driftedWeb(
      formatFightTag({ applied: FIGHT_LIMIT, since: T0.toISOString(), last: T0.toISOString(), desiredHash: first.hash, changeHash: first.change }),
    );
    const guarded = guardFights(diffs, T1);
    const report = buildReport({
      diffs: guarded,
      plan: planEstate(guarded, planOpts),
      problems: [],
      loadComplete: true,
      controllerId: 'default',
      mode: 'plan',
      now: T1,
    });
    expect(ReportSchema.parse(JSON.parse(JSON.stringify(report))).resources.find((r) => r.id === SVC_ID)?.fight).toEqual({
      fields: ['desiredCount'],
      since: T0.toISOString(),
      applied: 3,
    });
    expect(report.summary.byState.fighting).toBe(1);
    expect(renderText(report)).toMatch(
      /# fighting Service\/eu-west-1\/prod\/web[\s\S]*fighting since 2026-12-01T10:00:00.000Z: applied on 3 passes in a row, came back each time: desiredCount/,
    );
    expect(renderMarkdown(report)).toContain('**fighting** since 2026-12-01T10:00:00.000Z: applied on 3 passes in a row, came back each time: `desiredCount`');
    expect(renderPage(report, {})).toMatch(/<p class="error fight">fighting since <time>2026-12-01T10:00:00.000Z<\/time>.*<code>desiredCount<\/code>/);
  });
});
