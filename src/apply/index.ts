export type { ApplyContext } from './action-run.js';
export { ownershipTags } from './ownership.js';
