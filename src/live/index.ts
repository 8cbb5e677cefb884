export type * from '../model/live.js';
export { describeRecordedRevisions, emptyEstate, holdsNoRecord, type ReadLiveOptions, readLiveEstate, refreshLiveResources } from './read-live.js';
