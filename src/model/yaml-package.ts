/**
 * The yaml package, loaded when first used: a `plan` whose manifests all take the fast
 * path (manifests/fast-yaml.ts) and that prints no spec never needs it, and loading it is
 * about 45 ms of a cold process's CPU (issue 19: a CI plan is a new process every time).
 */
import { createRequire } from 'node:module';

let loaded: typeof import('yaml') | undefined;

export function yaml(): typeof import('yaml') {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return loaded;
}
