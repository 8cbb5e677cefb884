/**
 * `apply --wait` (issue 16, item 4): after the changes, until every service the apply
 * touched is steady. Steady is the SDK's services-stable waiter (waitUntilServicesStable:
 * success when `length(services[].deployments) == 1` and `runningCount == desiredCount`
 * for each; failure when a service is MISSING, DRAINING or INACTIVE), plus what the waiter
 * does not see: the deployment the apply started FAILED ([API] Deployment rolloutState:
 * "If the service fails to reach a steady state and circuit breaker is turned on, the
 * deployment transitions to a FAILED state"), or ECS rolled it back (a newer PRIMARY of
 * another revision started by the circuit breaker). A CODE_DEPLOY service waits for its
 * CodeDeploy deployment (GetDeployment: Succeeded; Failed or Stopped fail). Ctrl-C ends the wait, never the
 * deployments: the signal only stops the polling.
 */
import { type Gateway as AwsGateway, sleepUnlessAborted, tagsFromList } from '../../aws/index.js';
import { TAG } from '../../model/resource.js';
import { codeDeployRecordOf } from './codedeploy.js';

export interface AwaitedService {
  cluster: string;
  name: string;
}

export interface WaitOptions {
  timeoutMs: number;
  /** between DescribeServices polls (also the shortest gap between two progress lines of one service) */
  intervalMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  now?: () => number;
}

export interface WaitOutcome {
  /** every service steady */
  ok: boolean;
  /** one line per service that failed, timed out or could not be read */
  failures: string[];
  /** the wait was interrupted (Ctrl-C): the deployments go on */
  interrupted: boolean;
}

export async function awaitServicesSteady(gw: AwsGateway, services: readonly AwaitedService[], opts: WaitOptions): Promise<WaitOutcome> {
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 5000;
  /** the PRIMARY deployment each service had when the wait began: the apply's */
  const started = new Map<string, string | undefined>();
  const pending = new Map(services.map((s) => [`${s.cluster}/${s.name}`, s]));
  const failures: string[] = [];
  const lastLine = new Map<string, string>();
  for (;;) {
    const byCluster = new Map<string, string[]>();
    for (const s of pending.values()) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s.name]);
    for (const [cluster, names] of byCluster) {
      const r = await gw.describeServices(cluster, names);
      for (const name of r.missing) {
        failures.push(`${cluster}/${name}: MISSING`);
        pending.delete(`${cluster}/${name}`);
      }
      for (const svc of r.services) {
        const key = `${cluster}/${svc.serviceName ?? ''}`;
        const deployments = svc.deployments ?? [];
        const primary = deployments.find((d) => d.status === 'PRIMARY');
        if (!started.has(key)) started.set(key, primary?.id);
        const ours = deployments.find((d) => d.id !== undefined && d.id === started.get(key));
        const running = svc.runningCount ?? 0;
        const desired = svc.desiredCount ?? 0;
        const line = `${key}: ${running}/${desired} running, ${svc.pendingCount ?? 0} pending, ${deployments.length} deployment(s), rollout ${primary?.rolloutState ?? 'unknown'}`;
        const codeDeployId = svc.deploymentController?.type === 'CODE_DEPLOY' ? codeDeployRecordOf(tagsFromList(svc.tags)[TAG.deployment])?.id : undefined;
        if (codeDeployId) {
          // a CODE_DEPLOY service's rollout is CodeDeploy's deployment (codedeploy.ts): its status is the outcome
          const info = await gw.getCodeDeployDeployment(codeDeployId);
          if (info.status === 'Succeeded') {
            opts.onProgress?.(`${key}: CodeDeploy deployment ${codeDeployId} Succeeded, ${running}/${desired} running`);
            pending.delete(key);
          } else if (info.status === 'Failed' || info.status === 'Stopped') {
            failures.push(`${key}: the CodeDeploy deployment ${codeDeployId} ${info.status}: ${info.errorInformation?.message ?? 'no reason given'}`);
            pending.delete(key);
          } else {
            const cdLine = `${key}: ${running}/${desired} running, CodeDeploy deployment ${codeDeployId} ${info.status ?? 'unknown'}`;
            if (lastLine.get(key) !== cdLine) opts.onProgress?.(cdLine);
            lastLine.set(key, cdLine);
          }
          continue;
        }
        if (svc.status && svc.status !== 'ACTIVE') {
          failures.push(`${key}: ${svc.status}`);
          pending.delete(key);
        } else if (ours?.rolloutState === 'FAILED' || (started.get(key) !== undefined && primary?.id !== started.get(key))) {
          const reason = ours?.rolloutStateReason ?? primary?.rolloutStateReason ?? 'no reason given';
          failures.push(`${key}: the rollout failed${primary && primary.id !== started.get(key) ? ' and was rolled back' : ''}: ${reason}`);
          pending.delete(key);
        } else if (deployments.length === 1 && running === desired) {
          opts.onProgress?.(`${key}: steady, ${running}/${desired} running`);
          pending.delete(key);
        } else if (lastLine.get(key) !== line) {
          lastLine.set(key, line);
          opts.onProgress?.(line);
        }
      }
    }
    if (pending.size === 0) return { ok: failures.length === 0, failures, interrupted: false };
    if (opts.signal?.aborted) return { ok: false, failures, interrupted: true };
    if (now() >= deadline) {
      for (const key of pending.keys()) failures.push(`${key}: not steady within ${Math.round(opts.timeoutMs / 1000)}s (--wait-timeout)`);
      return { ok: false, failures, interrupted: false };
    }
    await sleepUnlessAborted(Math.min(interval, Math.max(0, deadline - now())), opts.signal);
    if (opts.signal?.aborted) return { ok: false, failures, interrupted: true };
  }
}
