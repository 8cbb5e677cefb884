/** The package's version, for --version, the help and ecs_reconciler_build_info. */
import { createRequire } from 'node:module';

let cached: string | undefined;

export function packageVersion(): string {
  // src/model/ and dist/model/ both sit two folders below package.json
  cached ??= (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  return cached;
}
