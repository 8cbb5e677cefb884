export type { ApplyContext } from './action-run.js';
