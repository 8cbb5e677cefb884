/**
 * Which resources a rendering lists. `changed` (the default) lists what a reviewer must
 * read: anything not in sync, anything with an action, a refusal or a flapping history;
 * in-sync resources are only counted (241 resources with one image change must not be
 * 248 lines with the change at line 201). `all` lists every resource.
 */
import type { Report, ReportResource } from './model.js';

export const SHOW_MODES = ['changed', 'all'] as const;
export type ShowMode = (typeof SHOW_MODES)[number];

export function needsAttention(r: ReportResource): boolean {
  return r.state !== 'in-sync' || r.actions.length > 0 || r.skipped !== undefined || r.history?.flapping === true || r.changes.length > 0;
}

export function listedResources(report: Report, show: ShowMode = 'changed'): { listed: ReportResource[]; hidden: number } {
  if (show === 'all') return { listed: report.resources, hidden: 0 };
  const listed = report.resources.filter(needsAttention);
  return { listed, hidden: report.resources.length - listed.length };
}

export function hiddenLine(hidden: number): string {
  return `${hidden} in-sync resource(s) not listed (--show all lists them).`;
}
