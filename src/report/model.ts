/** One report model; every format (text, JSON, Markdown, the page) renders from it. */
import type { ChangeCause, ResourceState } from '../diff/types.js';
import type { Kind } from '../model/resource.js';
import type { Problem } from '../model/problem.js';
import type { ActionKind } from '../plan/types.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportChange {
  path: string;
  live: unknown;
  desired: unknown;
  cause: ChangeCause;
}

export interface ReportAction {
  kind: ActionKind;
  reason: string;
  fields: string[];
  outcome?: 'applied' | 'failed' | 'skipped' | 'planned';
  message?: string;
}

export interface ReportResource {
  id: string;
  kind: Kind;
  region: string;
  cluster?: string;
  name: string;
  state: ResourceState;
  reason: string;
  source?: string;
  suspended: boolean;
  changes: ReportChange[];
  ignored: ReportChange[];
  actions: ReportAction[];
  skipped?: { reason: string; error: boolean };
  /** Services with auto scaling: the live capacity and who set it last */
  scaling?: ReportScaling;
}

export interface ReportScaling {
  desiredCount: number;
  minCapacity?: number;
  maxCapacity?: number;
  policies: string[];
  scheduledActions: string[];
  /** who the current desiredCount comes from: the manifest, the autoscaler (inside [min, max]), or a change outside git */
  desiredCountCause: 'manifest' | 'autoscaler' | 'out-of-band';
}

export interface Report {
  schemaVersion: number;
  generatedAt: string;
  controllerId: string;
  mode: 'plan' | 'apply' | 'report';
  gitRevision?: string;
  loadComplete: boolean;
  summary: {
    resources: number;
    byState: Record<ResourceState, number>;
    actionsPlanned: number;
    actionsApplied: number;
    actionsFailed: number;
    problems: number;
  };
  resources: ReportResource[];
  problems: Problem[];
}
