/**
 * The drift line: one log line per resource per change, not one per pass. A resource
 * left drifted in report mode is said once; said again only when what differs changes,
 * or after it was in sync in between. The line names each field path with the live and
 * the desired value (`path: live → desired`), sensitive values masked by the redactor,
 * and is logged before the pass fixes anything.
 */
import type { ResourceDiff, ResourceState } from '../diff/types.js';
import type { Redactor } from '../report/index.js';

/** States whose changes happened outside git: the ones a person wants to hear about once. */
const DRIFT_STATES: ReadonlySet<ResourceState> = new Set<ResourceState>(['drifted', 'conflict']);
const MAX_VALUE_CHARS = 120;

export interface DriftLine {
  resource: string;
  state: ResourceState;
  changes: Array<{ path: string; live: unknown; desired: unknown; cause: string }>;
  msg: string;
}

function shown(value: unknown): string {
  const text = value === undefined ? '(none)' : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

export class DriftLog {
  /** resource id -> what was last said about it */
  private readonly said = new Map<string, string>();

  constructor(private readonly redactor: Redactor) {}

  /** The lines to log for this pass's diffs: only resources whose drift is new or different. */
  linesFor(diffs: readonly ResourceDiff[]): DriftLine[] {
    const lines: DriftLine[] = [];
    const seen = new Set<string>();
    for (const d of diffs) {
      if (!DRIFT_STATES.has(d.state)) continue;
      seen.add(d.id);
      const changes = d.changes.map((c) => ({
        path: c.path,
        live: this.redactor.valueAt(c.path, c.live),
        desired: this.redactor.valueAt(c.path, c.desired),
        cause: c.cause,
      }));
      const signature = JSON.stringify([d.state, changes]);
      if (this.said.get(d.id) === signature) continue;
      this.said.set(d.id, signature);
      const fields = changes.map((c) => `${c.path}: ${shown(c.live)} → ${shown(c.desired)}`).join('; ');
      lines.push({ resource: d.id, state: d.state, changes, msg: `${d.id} ${d.state}${fields ? `: ${fields}` : ''}` });
    }
    // in sync again (or gone): the next drift of it is news, whatever its values
    for (const id of [...this.said.keys()]) if (!seen.has(id)) this.said.delete(id);
    return lines;
  }
}
