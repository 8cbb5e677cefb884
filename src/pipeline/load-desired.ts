/**
 * The one load path of every command and of the daemon: variables (--var, --var-file, the
 * allowed environment) and the manifests folder, to the desired model. The reconcile pass
 * calls it itself (runReconcilePass given a ManifestSource), so the CLI's plan and apply and
 * the daemon's every pass read a folder the same way; `validate` calls it without a pass.
 */
import { collectVariables, type LoadResult, loadManifests, type ParseCache } from '../manifests/index.js';

export interface ManifestSource {
  /** the manifests folder, absolute */
  dir: string;
  /** --var K=V */
  vars: readonly string[];
  /** --var-file paths, absolute */
  varFiles: readonly string[];
  env: NodeJS.ProcessEnv;
  /** --var-env and --var-env-prefix: the only environment variables a manifest may read */
  varEnv: readonly string[];
  varEnvPrefixes: readonly string[];
  defaultRegion: string;
  /** the daemon's parse cache: an unchanged file is not parsed again on the next pass */
  cache?: ParseCache;
}

export async function loadDesired(source: ManifestSource): Promise<LoadResult> {
  const variables = await collectVariables({
    flags: [...source.vars],
    files: [...source.varFiles],
    env: source.env,
    envNames: [...source.varEnv],
    envPrefixes: [...source.varEnvPrefixes],
  });
  const result = await loadManifests(source.dir, {
    defaultRegion: source.defaultRegion,
    vars: variables.vars,
    ...(source.cache ? { cache: source.cache } : {}),
  });
  // an undefined ${VAR} is a load problem like any other: nothing is pruned while one stands
  if (variables.problems.length) {
    result.problems.unshift(...variables.problems);
    result.complete = false;
  }
  return result;
}

export function isManifestSource(input: ManifestSource | LoadResult): input is ManifestSource {
  return typeof (input as ManifestSource).dir === 'string' && !('resources' in input);
}
