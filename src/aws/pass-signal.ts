/**
 * The reconcile pass's AbortSignal (SIGTERM, a lost lease), carried to every call and wait
 * the pass makes, however deep, without a parameter on each gateway method: the pass runs
 * inside `withPassSignal`, and the gateways ask `callSignal()` / `waitSignal()`. A call
 * made outside a pass (the lease's renewals, the events queue) sees no signal, so the
 * shutdown that stops a pass still lets the lease be released.
 *
 * Two scopes, because an action under way finishes (DESIGN.md, the daemon's shutdown: "the
 * action under way finishes, none starts after it"): inside `wholeAction` the calls are not
 * cut (a TagResource after an UpdateService must still record what was applied), while the
 * polling waits between them (a rollout's, a replaced service's) still end on abort.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface PassScope {
  signal: AbortSignal;
  /** false inside an action under way: its calls run to their end */
  cutsCalls: boolean;
}

const scopes = new AsyncLocalStorage<PassScope | undefined>();

/** Runs `fn` as a pass: the calls and waits it makes end promptly once `signal` aborts. */
export function withPassSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return scopes.run(signal ? { signal, cutsCalls: true } : undefined, fn);
}

/** Runs one action whole: its calls are not cut by the pass's abort, its waits are (see the header). */
export function wholeAction<T>(fn: () => Promise<T>): Promise<T> {
  const scope = scopes.getStore();
  return scope ? scopes.run({ ...scope, cutsCalls: false }, fn) : fn();
}

/** The signal an AWS call, a rate-limit wait or a retry backoff of this pass honours (none inside an action). */
export function callSignal(): AbortSignal | undefined {
  const scope = scopes.getStore();
  return scope?.cutsCalls ? scope.signal : undefined;
}

/** The signal a polling wait of this pass honours (a rollout's, a replaced service's), in an action too. */
export function waitSignal(): AbortSignal | undefined {
  return scopes.getStore()?.signal;
}

/** Sleeps `ms`, or less when `signal` aborts first; resolves either way (the caller asks `signal.aborted`). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
