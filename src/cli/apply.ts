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
same-named resource without the tag is a conflict, left alone unless --adopt. Nothing
is deleted without --prune, and never while any manifest fails to load.

Exit status: 0 converged; 1 any error (a manifest that does not load, a failed action).

Flags:
  --prune               delete orphaned resources this controller manages: services
                        scaled to 0 then deleted, revisions deregistered, clusters deleted;
                        and deregister old revisions beyond --keep-revisions
  --keep-revisions N    ACTIVE revisions kept per family when pruning (default 5)
  --adopt               take over same-named unmanaged resources (tags them as managed)
  --cluster GLOB        this controller's shard: only matching clusters, their services and
                        the task definitions those run (repeatable, * and ? globs)
  --dry-run             plan only; make no change
  --format text|json|markdown, --out FILE   as for plan

${COMMON_HELP}

Examples:
  ecs-reconciler apply manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000
  ecs-reconciler apply manifests/ --prune --keep-revisions 10
`;

export async function applyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...PASS_OPTIONS, 'dry-run': { type: 'boolean' } }, { min: 1, max: 1, names: 'DIR (the manifests folder)' });
  if (values.help) {
    io.stdout(APPLY_HELP);
    return 0;
  }
  return runPassCommand('apply', positionals[0]!, values, io, false);
}
