export { applyPlan, type ApplyContext, type ActionResult, type ApplyResult } from './apply-plan.js';
export { ownershipTags } from './ownership.js';
