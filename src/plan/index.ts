export { defaultMaxPrune, type PlanOptions } from './prune.js';
export * from './types.js';
export { savedPlanOf, compareSavedPlan, parseSavedPlan, SAVED_PLAN_VERSION, type SavedPlan, type SavedPlanOptions } from './saved-plan.js';
