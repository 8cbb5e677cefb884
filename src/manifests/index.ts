export { loadManifests, loadManifestTexts, collectVariables, ParseCache, type LoadResult, type LoadOptions, type VariableSources } from './load.js';
export { parseManifestText, clusterNameOf } from './parse.js';
export { isTaskDefinitionManifestReference } from './references.js';
export { readManifestFiles, decodeManifestBytes, DEFAULT_MAX_FILE_BYTES } from './files.js';
export { gitRevisionOf, repositoryIdentity, repositoryOf } from './git.js';
export { parseFilesInParallel, parallelParseAvailable, PARALLEL_MIN_BYTES } from './parallel-parse.js';
