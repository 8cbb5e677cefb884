export type * from '../model/live.js';
export { describeRecordedRevisions, emptyEstate, type ReadLiveOptions, readLiveEstate, refreshLiveResources } from './read-live.js';
