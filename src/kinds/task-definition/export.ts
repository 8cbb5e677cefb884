/** export: what a TaskDefinition manifest written from live looks like. */
import { userTags } from '../../diff/resource-diff.js';
import type { Json, LiveRevision } from '../../model/live.js';
import { sortedOrNone } from '../../model/own-keys.js';
import { normalizeTaskDefinition } from './normalize.js';

/** An export writes revisions out whole: readForExport describes every revision known only by record. */
export function revisionBody(rev: LiveRevision): Json {
  if (!rev.spec) throw new Error(`revision ${rev.arn} was not read (known only by its recorded hash)`);
  return rev.spec;
}

/** The normalized spec of a revision with its user tags: a TaskDefinition manifest's spec. */
export function exportTaskDefinitionSpec(rev: LiveRevision): Json {
  const spec = normalizeTaskDefinition(revisionBody(rev));
  const tags = sortedOrNone(userTags(rev.tags));
  return { ...spec, ...(tags ? { tags } : {}) };
}

const C = 'containerDefinitions[]';

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
export const TASK_DEFINITION_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['networkMode', 'requiresCompatibilities', 'cpu', 'memory', 'runtimePlatform', 'executionRoleArn', 'taskRoleArn', 'containerDefinitions', 'volumes'],
  [C]: [
    'name',
    'image',
    'essential',
    'cpu',
    'memory',
    'memoryReservation',
    'command',
    'entryPoint',
    'workingDirectory',
    'user',
    'portMappings',
    'environment',
    'environmentFiles',
    'secrets',
    'mountPoints',
    'volumesFrom',
    'dependsOn',
    'healthCheck',
    'logConfiguration',
    'firelensConfiguration',
  ],
  [`${C}.portMappings[]`]: ['name', 'containerPort', 'hostPort', 'protocol', 'appProtocol'],
  [`${C}.environment[]`]: ['name', 'value'],
  [`${C}.secrets[]`]: ['name', 'valueFrom'],
  [`${C}.healthCheck`]: ['command', 'interval', 'timeout', 'retries', 'startPeriod'],
  [`${C}.logConfiguration`]: ['logDriver', 'options', 'secretOptions'],
  [`${C}.mountPoints[]`]: ['sourceVolume', 'containerPath', 'readOnly'],
  [`${C}.dependsOn[]`]: ['containerName', 'condition'],
  'volumes[]': ['name'],
};
