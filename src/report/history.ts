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

/** Adds `history` to every resource; `previous` is oldest first and excludes this report's pass. */
export function annotateHistory(report: Report, previous: readonly PassRecord[]): Report {
  const resources = report.resources.map((r) => {
    let since = report.generatedAt;
    let passesInState = 1;
    for (let i = previous.length - 1; i >= 0; i--) {
      const s = ownValue(previous[i]!.states, r.id);
      if (s !== r.state) break;
      since = previous[i]!.at;
      passesInState++;
    }
    const seq = [...previous.map((p) => ownValue(p.states, r.id)), r.state];
    const driftedPasses = seq.filter((s) => s === 'drifted').length;
    const recent = seq.slice(-FLAP_WINDOW);
    let changes = 0;
    for (let i = 1; i < recent.length; i++) if (recent[i] !== undefined && recent[i - 1] !== undefined && recent[i] !== recent[i - 1]) changes++;
    return { ...r, history: { since, passesInState, driftedPasses, flapping: changes >= FLAP_CHANGES } };
  });
  return { ...report, resources };
}
