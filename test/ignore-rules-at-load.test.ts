// Ignore rules are checked at load against the kind's schema (issue 13, item 4): a rule
// that does not parse, or names a path the kind does not have, is a located error with a
// did-you-mean, never silently dropped (the controller would then revert what CI owns).
import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../src/manifests/index.js';

const service = (ignore: string) =>
  `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata:\n  name: web\n  cluster: arn:aws:ecs:us-east-1:123456789012:cluster/prod\n  annotations:\n    ecs-reconciler/ignore: "${ignore}"\nspec:\n  taskDefinition: web:3\n  desiredCount: 1\n`;
const taskDefinition = (ignore: string) =>
  `apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata:\n  name: web\n  annotations:\n    ecs-reconciler/ignore: "${ignore}"\nspec:\n  containerDefinitions: [{ name: app, image: nginx, memory: 64 }]\n`;

const load = (text: string) => loadManifestTexts([{ file: 'm.yaml', text }], { defaultRegion: 'us-east-1' });

describe('ignore rules at load', () => {
  it('a container image path on a Service is an error, located at the annotation', () => {
    const r = load(service('containerDefinitions[name=app].image'));
    expect(r.resources).toEqual([]);
    expect(r.complete).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({
        stage: 'validate',
        file: 'm.yaml',
        line: 7,
        column: 28,
        path: 'metadata.annotations.ecs-reconciler/ignore',
        message: 'ignore rule "containerDefinitions[name=app].image": a Service has no field containerDefinitions',
      }),
    ]);
  });

  it('a misspelt field gets a did-you-mean', () => {
    expect(load(taskDefinition('containerDefinitions[name=app].imgae')).problems[0]?.message).toBe(
      'ignore rule "containerDefinitions[name=app].imgae": a TaskDefinition has no field containerDefinitions[name=app].imgae (did you mean "containerDefinitions[name=app].image"?)',
    );
    expect(load(service('desiredCont')).problems[0]?.message).toMatch(/no field desiredCont \(did you mean "desiredCount"\?\)/);
  });

  it('a malformed rule, a selector on a field that is not a list, and a selector field the items lack are errors', () => {
    expect(load(taskDefinition('containerDefinitions[name=app')).problems[0]?.message).toMatch(/expected a path like/);
    expect(load(service('desiredCount[name=x]')).problems[0]?.message).toMatch(/desiredCount is not a list/);
    expect(load(taskDefinition('containerDefinitions[nmae=app].image')).problems[0]?.message).toMatch(
      /have no field nmae to select by \(did you mean "name"\?\)/,
    );
  });

  it('rules that name real fields load: container fields, any tag, auto scaling, list items by index', () => {
    expect(load(taskDefinition('containerDefinitions[name=app].image, tags.deployed-by, containerDefinitions[0].environment')).problems).toEqual([]);
    expect(load(service('desiredCount, autoScaling, tags.owner, loadBalancers')).problems).toEqual([]);
  });
});
