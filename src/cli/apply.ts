import { COMMON_HELP, parseCommandArgs } from './flags.js';
import type { CommandIO } from './io.js';
import { PASS_OPTIONS, runPassCommand } from './plan.js';

export const APPLY_HELP = `Usage: ecs-reconciler apply DIR [--prune] [--adopt] [--dry-run]

Plans as "plan" does, then converges: creates and updates clusters, registers task
definition revisions (a changed task definition registers a new revision; an
unchanged one registers nothing), creates and updates services, and tags everything
it touches (ecs-reconciler:managed-by, applied-hash, source, revision). A resource's
actions stop at its first error; the other resources go on. Progress goes to stderr,
the summary to stdout.

Safety: only resources tagged with this controller id are changed or deleted. A
same-named resource without the tag is a conflict, left alone unless --adopt (and one a
CloudFormation stack owns, unless --adopt-cloudformation too). Nothing is deleted
without --prune. Deletions are their own stage, after every create and update: it is
refused while any manifest fails to load, when the manifests yield no resources
(--allow-empty), when it would delete more than --max-prune resources, when any create
or update of the pass failed, and for a resource applied from another repository; a
cluster is deleted only once no service or task is left in it. With the default
controller id, only resources recorded as applied from this repository are pruned.

Exit status: 0 converged; 1 any error (a manifest that does not load, a failed action).

Flags:
  --prune               delete orphaned resources this controller manages: services
                        scaled to 0 then deleted, revisions deregistered, clusters deleted;
                        and deregister old revisions beyond --keep-revisions
  --keep-revisions N    ACTIVE revisions kept per family when pruning (default 5)
  --allow-empty         prune even when the manifests yield no resources at all
  --max-prune N         most orphaned resources one pass deletes (default: the larger
                        of 5 and 25% of the resources this controller manages)
  --release ID          remove the ownership tags of a retained (prune "false") or
                        orphaned resource: left as it is, no longer managed (repeatable)
  --regions R1,R2       also read these regions for orphans no manifest names (repeatable)
  --adopt               take over same-named unmanaged resources (tags them as managed)
  --adopt-cloudformation  with --adopt: also resources a CloudFormation stack owns
  --dry-run             plan only; make no change
  --format text|json|markdown, --out FILE   as for plan

${COMMON_HELP}

Examples:
  ecs-reconciler apply manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000
  ecs-reconciler apply manifests/ --prune --keep-revisions 10 --controller-id platform-prod
  ecs-reconciler apply manifests/ --release Service/eu-west-1/batch/worker
`;

export async function applyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...PASS_OPTIONS, 'dry-run': { type: 'boolean' } }, { min: 1, max: 1, names: 'DIR (the manifests folder)' });
  if (values.help) {
    io.stdout(APPLY_HELP);
    return 0;
  }
  return runPassCommand('apply', positionals[0]!, values, io, false);
}
