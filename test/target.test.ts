// --target: which resources a pattern names, what it brings along, and that a targeted
// plan never deletes anything outside the target.
import { describe, expect, it } from 'vitest';
import { planEstate } from '../src/pipeline/plan.js';
import { matchesTarget, parseTarget, restrictPlan, selectTargets, type TargetPattern } from '../src/pipeline/target.js';
import { desired, diff, estate, family, liveService, liveServiceSpec, liveTdSpec, managedTags, REGION, revision, serviceSpec } from './engine-fixtures.js';

function target(text: string): TargetPattern {
  const t = parseTarget(text);
  if (typeof t === 'string') throw new Error(t);
  return t;
}

describe('--target patterns', () => {
  it('KIND/NAME, KIND/REGION/NAME, Service/CLUSTER/NAME and Service/REGION/CLUSTER/NAME, with globs', () => {
    const web = { kind: 'Service' as const, region: 'eu-west-1', cluster: 'prod', name: 'web' };
    expect(matchesTarget(web, target('Service/web'))).toBe(true);
    expect(matchesTarget(web, target('service/prod/web'))).toBe(true);
    expect(matchesTarget(web, target('Service/staging/web'))).toBe(false);
    expect(matchesTarget(web, target('Service/eu-west-1/prod/web'))).toBe(true);
    expect(matchesTarget(web, target('Service/us-east-1/prod/web'))).toBe(false);
    expect(matchesTarget(web, target('Service/prod/w?b'))).toBe(true);
    expect(matchesTarget(web, target('Service/*/*'))).toBe(true);
    expect(matchesTarget(web, target('TaskDefinition/web'))).toBe(false);
    const cluster = { kind: 'Cluster' as const, region: 'eu-west-1', name: 'prod' };
    expect(matchesTarget(cluster, target('Cluster/eu-*/prod'))).toBe(true);
    expect(matchesTarget(cluster, target('Cluster/pro'))).toBe(false);
    expect(matchesTarget({ kind: 'Cluster', region: 'eu-west-1', name: 'prod.x' }, target('Cluster/prod?x'))).toBe(true);
    expect(matchesTarget({ kind: 'Cluster', region: 'eu-west-1', name: 'prodax' }, target('Cluster/prod.x'))).toBe(false); // a dot is a dot
  });

  it('a malformed pattern says what the forms are', () => {
    expect(parseTarget('Deployment/web')).toContain('KIND one of CapacityProvider, Cluster, TaskDefinition, Service');
    expect(parseTarget('Cluster/a/b/c')).toContain('Cluster/NAME or Cluster/REGION/NAME');
    expect(parseTarget('Service//web')).toContain('an empty part');
  });
});

describe('a targeted plan', () => {
  const td = (name: string) => desired('TaskDefinition', name, { containerDefinitions: [{ name, image: 'nginx:1' }] });
  const svc = (name: string, tdName: string) => desired('Service', name, serviceSpec({ taskDefinition: tdName }));
  const cluster = desired('Cluster', 'prod', {});
  const manifests = [cluster, td('web'), td('api'), svc('web', 'web'), svc('api', 'api')];

  it("brings a targeted service's cluster and task definition creates along, and nothing else", () => {
    const diffs = diff(manifests);
    const selection = selectTargets(diffs, [target('Service/prod/web')]);
    const plan = restrictPlan(planEstate(diffs, { prune: true, loadComplete: true, keepRevisions: 5, controllerId: 'default' }), selection);
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      `create-cluster Cluster/${REGION}/prod`,
      `register-task-definition TaskDefinition/${REGION}/web`,
      `create-service Service/${REGION}/prod/web`,
    ]);
    expect(selection.unmatched).toEqual([]);
  });

  it('never deletes outside the target, not even an orphan of a dependency', () => {
    // live: a managed orphan service "old" in prod, and a managed orphan family "gone"
    const gone = [1, 2].map((n) => revision('gone', n, liveTdSpec(), managedTags('x')));
    const orphan = liveService({ name: 'old', spec: liveServiceSpec(), tags: managedTags('y'), primary: revision('web', 1, liveTdSpec(), managedTags('z')) });
    const diffs = diff([cluster, td('web'), svc('web', 'web')], estate({ services: [orphan], families: [family(gone)] }));
    const whole = planEstate(diffs, { prune: true, loadComplete: true, keepRevisions: 1, controllerId: 'default' });
    expect(whole.actions.some((a) => a.kind === 'delete-service')).toBe(true);
    expect(whole.actions.some((a) => a.kind === 'deregister-task-definition')).toBe(true);
    const plan = restrictPlan(whole, selectTargets(diffs, [target('Service/prod/web')]));
    expect(plan.actions.filter((a) => ['delete-service', 'deregister-task-definition', 'delete-cluster'].includes(a.kind))).toEqual([]);
    const orphanTargeted = restrictPlan(whole, selectTargets(diffs, [target('Service/prod/old')]));
    expect(orphanTargeted.actions.map((a) => a.kind)).toEqual(['delete-service']);
  });

  it('a pattern that matches nothing is reported, so a typo never reads as "no changes"', () => {
    expect(selectTargets(diff(manifests), [target('Service/prod/wbe')]).unmatched).toEqual(['Service/prod/wbe']);
  });
});
