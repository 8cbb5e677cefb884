// One reconcile pass on the in-memory gateway: manifests from text, the pipeline as the
// CLI runs it (load, read, diff, plan, apply), no emulator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifestTexts } from '../../src/manifests/index.js';
import { type PassOptions, type PassResult, runReconcilePass } from '../../src/pipeline/reconcile-pass.js';
import type { InMemoryGateways } from './in-memory-gateway.js';

export const FAKE_REGION = 'eu-west-1';

export function fixture(name: string): string {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'on-fake', name), 'utf8');
}

export async function passOnFake(
  fake: InMemoryGateways,
  texts: string | readonly string[],
  opts: Partial<Omit<PassOptions, 'gateways'>> & { vars?: Record<string, string> } = {},
): Promise<PassResult> {
  const files = (typeof texts === 'string' ? [texts] : texts).map((text, i) => ({ file: `manifest-${i}.yaml`, text }));
  const { vars, ...rest } = opts;
  const load = loadManifestTexts(files, { defaultRegion: FAKE_REGION, vars: new Map(Object.entries(vars ?? {})) });
  return runReconcilePass(load, {
    gateways: fake,
    controllerId: 'default',
    defaultRegion: FAKE_REGION,
    mode: 'apply',
    prune: false,
    adopt: false,
    keepRevisions: 5,
    now: () => new Date('2026-12-01T00:00:00Z'),
    ...rest,
  });
}

export function states(pass: PassResult): Record<string, string> {
  return Object.fromEntries(pass.diffs.map((d) => [d.id, d.state]));
}

export function outcomes(pass: PassResult): string[] {
  return pass.results.map((r) => `${r.action.kind} ${r.action.resource}: ${r.outcome}`);
}
