/**
 * What the kinds' manifest schemas (zod 4, src/kinds/<kind>/schema.ts) share: the
 * envelope (apiVersion, metadata's region and annotations), ECS's enums, tags, the common
 * field builders, and the JSON Schema builder over the registry's kinds.
 */

export * from './enums.js';
export { manifestJsonSchema } from './json-schema.js';
export { type Annotations, API_VERSION } from './manifest.js';
export { TagsSchema } from './tags.js';
