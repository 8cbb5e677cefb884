export { defaultMaxPrune, type PlanOptions } from './prune.js';
export { compareSavedPlan, parseSavedPlan, SAVED_PLAN_VERSION, type SavedPlan, type SavedPlanOptions, savedPlanOf } from './saved-plan.js';
export * from './types.js';
