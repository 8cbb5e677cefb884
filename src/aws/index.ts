export { CallCounter, isMutatingOperation } from './call-counter.js';
export {
  BATCH,
  chunk,
  ECS_SCALABLE_DIMENSION,
  nameFromArn,
  PAGE,
  splitDescribedClusters,
  splitDescribedServices,
  tagsFromList,
  tagsToList,
  withKeyCase,
} from './ecs-api.js';
export { AwsCallError, type ErrorDetails, errorDetails, THROTTLING_CODES } from './errors.js';
export type { DescribedServices, Gateway, Gateways } from './gateway-interface.js';
export * from './model.js';
export { sleepUnlessAborted, waitSignal, wholeAction, withPassSignal } from './pass-signal.js';
export { type BucketSpec, type RateLimitWaitListener, ReadBudget } from './rate-limit.js';
export { DEFAULT_REVISION_CACHE_SIZE, TaskDefinitionCache } from './revision-cache.js';
export { AwsGateway, AwsGateways, CONTROLLER_APP_ID, sdkDefaultRegion } from './sdk-gateway.js';
