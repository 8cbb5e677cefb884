/**
 * Drift over time, pure: the states of the last N passes give each resource the time it
 * entered its current state, how many passes saw it drifted, and whether it flaps.
 */

import { ownValue } from '../model/own-keys.js';
import type { Report, ReportResource } from './model.js';

export interface PassRecord {
  pass: number;
  at: string;
  gitRevision?: string;
  states: Record<string, ReportResource['state']>;
}

/** A resource whose state changed this many times within FLAP_WINDOW passes flaps. */
const FLAP_CHANGES = 4;
const FLAP_WINDOW = 10;

export function passRecordOf(report: Report, pass: number): PassRecord {
  return {
    pass,
    at: report.generatedAt,
    ...(report.gitRevision ? { gitRevision: report.gitRevision } : {}),
    states: Object.fromEntries(report.resources.map((r) => [r.id, r.state])),
  };
}

/**
 * The last passes as annotateHistory reads them: when each ran, and a resource's state in
 * each (undefined: not in that pass), oldest first. The daemon keeps them compact
 * (src/daemon/history-store.ts): a map of 20,010 states a pass is about 0.9 MB, 88 MB for
 * the 100 passes it keeps at 10,000 services (issue 19).
 */
export interface PassHistory {
  readonly passes: ReadonlyArray<{ at: string }>;
  statesOf(id: string): ReadonlyArray<ReportResource['state'] | undefined>;
}

/** Pass records (a test's, a file's) as a PassHistory. */
function historyOfRecords(records: readonly PassRecord[]): PassHistory {
  return { passes: records, statesOf: (id) => records.map((p) => ownValue(p.states, id)) };
}

/** Adds `history` to every resource; `previous` is oldest first and excludes this report's pass. */
export function annotateHistory(report: Report, previous: readonly PassRecord[] | PassHistory): Report {
  const history = Array.isArray(previous) ? historyOfRecords(previous) : (previous as PassHistory);
  const resources = report.resources.map((r) => {
    let since = report.generatedAt;
    let passesInState = 1;
    const states = history.statesOf(r.id);
    for (let i = states.length - 1; i >= 0; i--) {
      if (states[i] !== r.state) break;
      since = history.passes[i]!.at;
      passesInState++;
    }
    const seq = [...states, r.state];
    const driftedPasses = seq.filter((s) => s === 'drifted').length;
    const recent = seq.slice(-FLAP_WINDOW);
    let changes = 0;
    for (let i = 1; i < recent.length; i++) if (recent[i] !== undefined && recent[i - 1] !== undefined && recent[i] !== recent[i - 1]) changes++;
    return { ...r, history: { since, passesInState, driftedPasses, flapping: changes >= FLAP_CHANGES } };
  });
  return { ...report, resources };
}
