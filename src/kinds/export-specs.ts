/**
 * One kind's exported spec by name, `${` written `$${` as the export writes it, for a caller
 * that wants that kind's alone (test/export.test.ts, through src/export/index.ts). The
 * export itself reaches the kinds only through the registry (each kind's `export` step).
 */
import { escapeDollarStrings } from '../model/dollar-escape.js';
import type { Json, LiveCluster, LiveRevision, LiveService } from '../model/live.js';
import { exportClusterSpec } from './cluster/export.js';
import { exportServiceSpec } from './service/export.js';
import { exportTaskDefinitionSpec } from './task-definition/export.js';

/** A Cluster manifest's spec. */
export function clusterSpec(c: LiveCluster): Json {
  return escapeDollarStrings(exportClusterSpec(c));
}

/** A TaskDefinition manifest's spec, from the revision it is written as. */
export function taskDefinitionSpec(rev: LiveRevision): Json {
  return escapeDollarStrings(exportTaskDefinitionSpec(rev));
}

/** A Service manifest's spec; `taskDefinition` is the caller's (the family, or a pinned revision). */
export function serviceSpec(s: LiveService, taskDefinition: string): Json {
  return escapeDollarStrings(exportServiceSpec(s, taskDefinition));
}
