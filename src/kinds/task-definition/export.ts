/**
 * export: a family is written as its newest ACTIVE revision (the one the engine compares a
 * service naming the family with), beside the one service that runs it, or in
 * `task-definitions/<family>.yaml` when several do (the services name it: ../service/export.ts).
 */

import type { Gateway as AwsGateway } from '../../aws/index.js';
import { userTags } from '../../diff/resource-diff.js';
import type { Json, LiveEstate, LiveRevision, LiveTaskDefinitionFamily } from '../../model/live.js';
import { sortedOrNone } from '../../model/own-keys.js';
import { resourceId } from '../../model/resource.js';
import { revisionLabel, revisionOf } from '../../model/revision-arn.js';
import type { KindExport } from '../kind.js';
import { normalizeTaskDefinition } from './normalize.js';
import { familyArns, readRevision } from './read.js';

/** An export writes revisions out whole: readForExport describes every revision known only by record. */
export function revisionBody(rev: LiveRevision): Json {
  if (!rev.spec) throw new Error(`revision ${rev.arn} was not read (known only by its recorded hash)`);
  return rev.spec;
}

/**
 * export: the families the exported services run, with their newest ACTIVE revision (the
 * one a service naming the family is compared with), read whole even when no manifest
 * names them and this controller does not manage them.
 */
async function readFamiliesForExport(
  gw: AwsGateway,
  region: string,
  live: LiveEstate,
  when: 'before' | 'after',
  progress?: (message: string) => void,
): Promise<void> {
  if (when !== 'after') return;
  const families = new Set<string>();
  for (const s of live.services.values()) if (s.primaryRevision) families.add(s.primaryRevision.family);
  for (const family of [...families].sort()) {
    const id = resourceId({ kind: 'TaskDefinition', region, name: family });
    if (live.families.has(id)) continue;
    const arns = await familyArns(gw, family);
    if (arns.length === 0) continue;
    arns.sort((a, b) => revisionOf(b).revision - revisionOf(a).revision);
    const latest = await readRevision(gw, arns[0]!);
    live.families.set(id, { kind: 'TaskDefinition', region, name: family, activeRevisionArns: arns, latest });
  }
  progress?.(`${region}: ${families.size} task definition famil${families.size === 1 ? 'y' : 'ies'} in use`);
}

/** The normalized spec of a revision with its user tags: a TaskDefinition manifest's spec. */
export function exportTaskDefinitionSpec(rev: LiveRevision): Json {
  const spec = normalizeTaskDefinition(revisionBody(rev));
  const tags = sortedOrNone(userTags(rev.tags));
  return { ...spec, ...(tags ? { tags } : {}) };
}

const C = 'containerDefinitions[]';

/** export: the spec's keys in reading order, by path (`''` the spec itself, `[]` a list's items); other keys follow alphabetically, tags last. */
const TASK_DEFINITION_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
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

export const TASK_DEFINITION_EXPORT: KindExport<LiveTaskDefinitionFamily> = {
  read: readFamiliesForExport,
  // --managed-only, or a stack's: not written, and the services naming it pin their revision instead
  refusal: (fam, ownership) =>
    ownership.stackReason(fam.latest.tags) ?? (ownership.wanted(fam.latest.tags) ? undefined : 'not managed by this controller (--managed-only)'),
  document: (fam, { ownership }) => {
    const other = ownership.otherOwnerNote(`TaskDefinition ${fam.name}`, fam.latest.tags);
    return {
      metadata: { name: fam.name, region: fam.region },
      spec: exportTaskDefinitionSpec(fam.latest),
      // what this controller remembers is on the newest revision it registered
      annotationTags: fam.latestManaged?.tags ?? fam.latest.tags,
      ...(other ? { notes: [other] } : {}),
    };
  },
  sharedFile: (fam, referrers) => ({
    path: `task-definitions/${fam.name}.yaml`,
    what: `task definition ${fam.name} (${revisionLabel(fam.latest.arn)}), run by ${referrers.map((id) => id.split('/').slice(2).join('/')).join(', ')}`,
  }),
  placeholders: true,
  keyOrder: TASK_DEFINITION_KEY_ORDER,
};
