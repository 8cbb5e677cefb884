export { planEstate, type PlanOptions } from './plan-estate.js';
export * from './types.js';
export { parseTarget, matchesTarget, selectTargets, restrictPlan, isSelected, TARGET_HELP, type TargetPattern, type TargetSelection } from './target.js';
export { savedPlanOf, compareSavedPlan, parseSavedPlan, SAVED_PLAN_VERSION, type SavedPlan, type SavedPlanOptions } from './saved-plan.js';
