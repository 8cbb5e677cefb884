// The applied-hash of fixed manifests, pinned. Every resource the controller manages
// carries `ecs-reconciler:applied-hash` (DESIGN.md "Ownership and memory"): the hash of
// its normalized desired spec when it was last applied. The next pass compares that tag
// with the hash it computes now to tell `pending` (the manifest changed) from `drifted`
// (live changed). So a change to what is hashed (the loader's output, a normalization
// rule, canonical JSON, the digest) makes every managed resource read as `pending` once
// and, for services, roll out a deployment with nothing to deploy. It must be deliberate.
//
// When this test fails: if the change to the hashed spec was not meant, fix the change.
// If it was meant, say in the commit message and the release notes that every managed
// resource reads `pending` once after the upgrade, then paste the new values from the
// failure below (`npx vitest run test/applied-hash.golden.test.ts`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownershipTags } from '../src/apply/ownership.js';
import { emptyEstate } from '../src/live/read-live.js';
import { type LoadResult, loadManifests, loadManifestTexts } from '../src/manifests/load.js';
import { TAG } from '../src/model/resource.js';
import { diffEstate } from '../src/pipeline/diff.js';

const GOLDEN = path.join(import.meta.dirname, 'fixtures', 'golden');
const REGION = 'eu-west-1';
const CONTROLLER_ID = 'default';

const VARS = new Map([['IMAGE_TAG', '1.27.3']]);

// Pinned on 2026-12-02 from the tree of that day (the hashes the resources in the field carry).
const APPLIED_HASHES = {
  'Cluster/eu-west-1/golden': 'a94f7ab89b62a87c',
  'TaskDefinition/eu-west-1/golden-web': '757c7fcd2bf59018',
  'Service/eu-west-1/golden/golden-web': '7eecc60337e4ee5c',
};

/** resource id -> the applied-hash tag an apply of these manifests writes on that resource */
function appliedHashesOf(loaded: LoadResult): Record<string, string> {
  expect(loaded.problems).toEqual([]);
  // nothing live: every resource is `missing`, and its desiredHash is what create tags it with
  const diffs = diffEstate({ desired: loaded.resources, invalid: loaded.invalid, live: emptyEstate(), controllerId: CONTROLLER_ID, defaultRegion: REGION });
  const out: Record<string, string> = {};
  for (const d of diffs) out[d.id] = ownershipTags({ controllerId: CONTROLLER_ID, desiredHash: d.desiredHash ?? '' })[TAG.appliedHash]!;
  return out;
}

async function appliedHashes(dir: string): Promise<Record<string, string>> {
  return appliedHashesOf(await loadManifests(path.join(GOLDEN, dir), { defaultRegion: REGION, vars: VARS }));
}

/** The golden manifests with one text edit (it must apply), through the loader's pure half. */
function appliedHashesEdited(file: string, from: string, to: string, vars = VARS): Record<string, string> {
  const files = ['cluster.yaml', 'task-definition.yaml', 'service.yaml'].map((f) => ({
    file: f,
    text: readFileSync(path.join(GOLDEN, 'manifests', f), 'utf8'),
  }));
  const edited = files.find((f) => f.file === file)!;
  expect(edited.text).toContain(from);
  edited.text = edited.text.replace(from, to);
  return appliedHashesOf(loadManifestTexts(files, { defaultRegion: REGION, vars }));
}

describe('the applied-hash of a fixed manifest', () => {
  it('is the pinned value for a Cluster, a TaskDefinition and a Service with autoScaling', async () => {
    expect(await appliedHashes('manifests')).toEqual(APPLIED_HASHES);
  });

  it('is the same for the same resources spelled differently (key order, tag list form, order-free lists, ECS defaults written out)', async () => {
    expect(await appliedHashes('spelled-differently')).toEqual(APPLIED_HASHES);
  });

  it('changes with the content ECS would store, and a service follows the task definition it runs', () => {
    const C = 'Cluster/eu-west-1/golden';
    const TD = 'TaskDefinition/eu-west-1/golden-web';
    const SVC = 'Service/eu-west-1/golden/golden-web';
    const weight = appliedHashesEdited('cluster.yaml', 'weight: 3', 'weight: 2');
    expect(weight[C]).not.toBe(APPLIED_HASHES[C]);
    expect([weight[TD], weight[SVC]]).toEqual([APPLIED_HASHES[TD], APPLIED_HASHES[SVC]]);
    const count = appliedHashesEdited('service.yaml', 'desiredCount: 2', 'desiredCount: 3');
    expect(count[SVC]).not.toBe(APPLIED_HASHES[SVC]);
    expect([count[C], count[TD]]).toEqual([APPLIED_HASHES[C], APPLIED_HASHES[TD]]);
    const scaling = appliedHashesEdited('service.yaml', 'maxCapacity: 10', 'maxCapacity: 12');
    expect(scaling[SVC]).not.toBe(APPLIED_HASHES[SVC]);
    // a new image (CI's ${IMAGE_TAG}) is a new revision, and the service runs it: both change
    const image = appliedHashesEdited('service.yaml', 'desiredCount: 2', 'desiredCount: 2', new Map([['IMAGE_TAG', '1.27.4']]));
    expect(image[TD]).not.toBe(APPLIED_HASHES[TD]);
    expect(image[SVC]).not.toBe(APPLIED_HASHES[SVC]);
    expect(image[C]).toBe(APPLIED_HASHES[C]);
  });
});
