export { userTags, cloudFormationOwner, type DiffInput } from './resource-diff.js';
export { diffFields, type FieldDifference } from './field-diff.js';
export { parseIgnoreRules, applyIgnoreRules, withoutIgnored, type IgnoreRule } from './ignore.js';
export { specHash } from './hash.js';
export { normalizeCluster, normalizeService, normalizeTaskDefinition, canonicalJson } from './normalize.js';
export { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } from './projection.js';
export * from './types.js';
