export { readLiveEstate, refreshLiveResources, describeRecordedRevisions, emptyEstate, type ReadLiveOptions } from './read-live.js';
export type * from '../model/live.js';
