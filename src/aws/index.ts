export * from './gateway.js';
export { CallCounter, isMutatingOperation, type CallCount } from './call-counter.js';
export { ECS_RATE_LIMITS, RateLimiter, ReadBudget, TokenBucket, type RateLimits, type BucketSpec, type RateLimitWaitListener } from './rate-limit.js';
export { errorDetails, type ErrorDetails } from './errors.js';
