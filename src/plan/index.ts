export { compareSavedPlan, parseSavedPlan, type SavedPlan, type SavedPlanOptions, savedPlanOf } from './saved-plan.js';
export * from './types.js';
