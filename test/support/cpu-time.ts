// How long a synchronous piece of work took in CPU time of this process (user + system),
// for the tests that say a refusal is quick: the wall clock also counts the time other
// processes held the cores (the unit files run beside the integration files and their
// emulators, on a machine other jobs share), the CPU time only this work's own.
import { cpuUsage } from 'node:process';

export function cpuMillisecondsOf<T>(work: () => T): { result: T; cpuMs: number } {
  const before = cpuUsage();
  const result = work();
  const used = cpuUsage(before);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}
