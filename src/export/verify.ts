/**
 * Pure: the export checks itself before anyone commits it. The rendered files are loaded
 * with the manifests loader (the placeholders given their live values, in memory) and
 * diffed against the same live estate with --adopt, exactly as `plan --adopt` would:
 * every exported resource must come out in-sync, needing at most its ownership tags.
 * Whatever does not is reported field by field (a field the normalization does not
 * know yet, say), never silently written.
 */

import { loadManifestTexts } from '../manifests/load.js';
import type { LiveEstate } from '../model/live.js';
import { problemLocation } from '../model/problem.js';
import { diffEstate } from '../pipeline/diff.js';
import { Redactor } from '../report/redact.js';
import type { ExportResult } from './build.js';
import { renderFile } from './render.js';

export interface VerifyResult {
  /** resources that load and plan in-sync */
  inSync: string[];
  /** load problems and not-in-sync resources, one line each */
  failures: string[];
}

export function verifyExport(
  result: ExportResult,
  live: LiveEstate,
  opts: { region: string; controllerId: string; redactor?: Redactor; adoptCloudFormation?: boolean },
): VerifyResult {
  const redactor = opts.redactor ?? new Redactor();
  const shown = (path: string, v: unknown) => JSON.stringify(redactor.valueAt(path, v));
  const files = result.files.map((f) => ({ file: f.path, text: renderFile(f) }));
  const load = loadManifestTexts(files, { defaultRegion: opts.region, vars: result.secretValues });
  const failures: string[] = load.problems.map((p) => `${problemLocation(p)} ${p.message}`);
  const exported = new Set(result.files.flatMap((f) => f.manifests.map((m) => m.id)));
  const diffs = diffEstate({
    desired: load.resources,
    invalid: load.invalid,
    live,
    controllerId: opts.controllerId,
    defaultRegion: opts.region,
    adopt: true,
    ...(opts.adoptCloudFormation ? { adoptCloudFormation: true } : {}),
  });
  const inSync: string[] = [];
  for (const d of diffs) {
    if (!exported.has(d.id)) continue;
    if (d.state === 'in-sync') inSync.push(d.id);
    else {
      const changes = d.changes.map((c) => `${c.path}: ${shown(c.path, c.live)} → ${shown(c.path, c.desired)}`).join('; ');
      failures.push(`${d.id}: ${d.state}${changes ? ` (${changes})` : ` (${d.reason})`}`);
    }
  }
  for (const id of exported) if (!diffs.some((d) => d.id === id)) failures.push(`${id}: not loaded`);
  return { inSync, failures };
}
