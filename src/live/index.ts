export { readLiveEstate, refreshLiveResources, emptyEstate, type ReadLiveOptions } from './read-live.js';
export type * from './model.js';
