export { diffFields, type FieldDifference } from './field-diff.js';
export { specHash } from './hash.js';
export { applyIgnoreRules, type IgnoreRule, parseIgnoreRules, withoutIgnored } from './ignore.js';
export { canonicalJson, normalizeCluster, normalizeService, normalizeTaskDefinition } from './normalize.js';
export { projectLiveCluster, projectLiveService, projectLiveTaskDefinition } from './projection.js';
export { cloudFormationOwner, type DiffInput, userTags } from './resource-diff.js';
export * from './types.js';
