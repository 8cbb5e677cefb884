import { TARGET_HELP } from '../pipeline/target.js';
import { COMMON_HELP, parseCommandArgs } from './flags.js';
import type { CommandIO } from './io.js';
import { PASS_OPTIONS, runPassCommand } from './plan.js';

const APPLY_HELP = `Usage: ecs-reconciler apply DIR [--prune] [--adopt] [--dry-run] [--target KIND/NAME] [--plan FILE] [--yes]

Plans as "plan" does, then converges: creates and updates clusters, registers task
definition revisions (a changed task definition registers a new revision; an
unchanged one registers nothing), creates and updates services, and tags everything
it touches (ecs-reconciler:managed-by, applied-hash, source, revision). A resource's
actions stop at its first error; the other resources go on. Progress goes to stderr
("[37/235] register-task-definition ...", waits on the rate limit, an ETA on long
runs), the summary to stdout. Ctrl-C lets the call under way finish, starts nothing
new, says what was and was not done, and exits 130.

Safety: only resources tagged with this controller id are changed or deleted. A
same-named resource without the tag is a conflict, left alone unless --adopt (and one a
CloudFormation stack owns, unless --adopt-cloudformation too). Nothing is deleted
without --prune. Deletions are their own stage, after every create and update: it is
refused while any manifest fails to load, when the manifests yield no resources
(--allow-empty), when it would delete more than --max-prune resources, when any create
or update of the pass failed, and for a resource applied from another repository; a
cluster is deleted only once no service or task is left in it. With the default
controller id, only resources recorded as applied from this repository are pruned.

Confirmation: before a deletion or replacement (delete-service, deregister-task-definition,
delete-cluster, replace-service) apply lists them and asks; only "yes" goes on. Where
nobody can answer (stdin or stderr not a terminal, as in CI) an apply that would delete
or replace anything is refused whole, before any change, unless --yes is given (as
Terraform's -auto-approve). Creates and updates never ask.

Saved plans: "plan --out-plan FILE" saves what plan showed; "apply --plan FILE" plans
afresh and applies only if the fresh plan is the saved one (the same actions, the same
manifests by applied-hash, the same live differences), otherwise it refuses and says
what differs. A reviewed saved plan needs no confirmation; its prune, adopt,
keep-revisions and target settings come from the file.

Deployments: a service whose deployment of this controller's ECS failed or rolled back
(the circuit breaker, alarms) is "degraded": reported, never deployed again for the same
manifest until the manifest changes, ecs-reconciler/retry gets a new value, or
--retry-failed. A rollout someone else started is left to finish.

Exit status: 0 converged; 1 any error (a manifest that does not load, a failed action,
a refused or unconfirmed apply); 130 interrupted by Ctrl-C.

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
  --cluster GLOB        this controller's shard: only matching clusters, their services and
                        the task definitions those run (repeatable, * and ? globs)
  --dry-run             plan only; make no change (takes no lease)
  --plan FILE           apply the plan saved by "plan --out-plan FILE", or refuse if it is stale
  --yes                 do not ask before deletions and replacements (needed for them in CI)
  --lease-table NAME    take the DynamoDB lease of this controller id first (the daemon's
                        --lease-table; created if missing), so two applies (overlapping CI
                        jobs, or CI and a daemon) never run at once; the plan is read after
                        the lease is taken, and applying stops if it is lost
  --lease-wait D        how long to wait for the lease (default 5m), then exit 1
  --lease-duration D    lease length while applying (default 30s; renewed every third)
  --wait                after the changes, wait until every service it touched is steady
                        (one deployment, running = desired); a FAILED rollout or an ECS
                        rollback fails it. Progress goes to stderr; Ctrl-C stops waiting,
                        never the deployments
  --wait-timeout D      how long --wait waits (default 10m), then exit 1
  --retry-failed        deploy degraded services again (a deployment ECS failed or rolled
                        back is otherwise not deployed again for the same manifest)
  --self-heal-during-foreign-rollouts  converge services even while a rollout this
                        controller did not start is under way (left alone by default)
  ${TARGET_HELP}
  --format text|json|markdown, --out FILE   as for plan

${COMMON_HELP}

Examples:
  ecs-reconciler apply manifests/ --var-file .emulator.env --endpoint http://127.0.0.1:5000
  ecs-reconciler apply manifests/ --prune --keep-revisions 10 --yes
  ecs-reconciler apply manifests/ --target 'Service/prod/*'
  ecs-reconciler plan manifests/ --out-plan pr.plan && ecs-reconciler apply manifests/ --plan pr.plan
  ecs-reconciler apply manifests/ --prune --controller-id platform-prod --yes
  ecs-reconciler apply manifests/ --release Service/eu-west-1/batch/worker
`;

export async function applyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      ...PASS_OPTIONS,
      'dry-run': { type: 'boolean' },
      plan: { type: 'string' },
      yes: { type: 'boolean' },
      'lease-table': { type: 'string' },
      'lease-wait': { type: 'string' },
      'lease-duration': { type: 'string' },
      'retry-failed': { type: 'boolean' },
      wait: { type: 'boolean' },
      'wait-timeout': { type: 'string' },
    },
    { min: 1, max: 1, names: 'DIR (the manifests folder)' },
  );
  if (values.help) {
    io.stdout(APPLY_HELP);
    return 0;
  }
  return runPassCommand('apply', positionals[0]!, values, io, false);
}
