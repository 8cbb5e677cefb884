export { planEstate, type PlanOptions } from './plan-estate.js';
export * from './types.js';
