export type { Gateway, Gateways, LeaseGateway, EventsQueueGateway } from './gateway-interface.js';
export * from './model.js';
export { AwsGateway, AwsGateways, CONTROLLER_USER_AGENT, sdkDefaultRegion, type GatewayOptions } from './sdk-gateway.js';
export { TaskDefinitionCache, DEFAULT_REVISION_CACHE_SIZE } from './revision-cache.js';
export { BATCH, PAGE, ECS_SCALABLE_DIMENSION, chunk, isRevisionArn, nameFromArn, splitDescribedClusters, splitDescribedServices, tagsFromList, tagsToList } from './ecs-api.js';
export { CallCounter, isMutatingOperation, type CallCount } from './call-counter.js';
export { ECS_RATE_LIMITS, RateLimiter, ReadBudget, TokenBucket, type RateLimits, type BucketSpec, type RateLimitWaitListener } from './rate-limit.js';
export { AwsCallError, THROTTLING_CODES, errorDetails, isThrottlingError, type ErrorDetails } from './errors.js';
