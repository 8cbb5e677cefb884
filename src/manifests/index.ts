export { DEFAULT_MAX_FILE_BYTES, decodeManifestBytes, readManifestFiles } from './files.js';
export { gitRevisionOf, repositoryIdentity, repositoryOf } from './git.js';
export { collectVariables, type LoadOptions, type LoadResult, loadManifests, loadManifestTexts, ParseCache, type VariableSources } from './load.js';
export { PARALLEL_MIN_BYTES, parallelParseAvailable, parseFilesInParallel } from './parallel-parse.js';
export { parseManifestText } from './parse.js';
