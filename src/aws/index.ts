export { type CallCount, CallCounter, isMutatingOperation } from './call-counter.js';
export {
  BATCH,
  chunk,
  ECS_SCALABLE_DIMENSION,
  isRevisionArn,
  nameFromArn,
  PAGE,
  splitDescribedClusters,
  splitDescribedServices,
  tagsFromList,
  tagsToList,
} from './ecs-api.js';
export { AwsCallError, type ErrorDetails, errorDetails, isThrottlingError, THROTTLING_CODES } from './errors.js';
export type { EventsQueueGateway, Gateway, Gateways, LeaseGateway } from './gateway-interface.js';
export * from './model.js';
export { type BucketSpec, ECS_RATE_LIMITS, RateLimiter, type RateLimits, type RateLimitWaitListener, ReadBudget, TokenBucket } from './rate-limit.js';
export { DEFAULT_REVISION_CACHE_SIZE, TaskDefinitionCache } from './revision-cache.js';
export { AwsGateway, AwsGateways, CONTROLLER_USER_AGENT, type GatewayOptions, sdkDefaultRegion } from './sdk-gateway.js';
