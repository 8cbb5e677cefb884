export { applyPlan, type ApplyContext, type ApplyResult } from './apply-plan.js';
export { ownershipTags } from './ownership.js';
