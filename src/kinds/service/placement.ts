/**
 * EC2 placement of a service (issue 17): how ECS spells placement strategies, so that
 * two spellings ECS treats as one are never drift. (The rules ECS enforces on these
 * fields, so that a manifest it would refuse fails at load: placement-schema.ts.)
 *
 * Sources:
 *   [API]  ECS API reference (botocore's ECS model text, as on
 *          https://docs.aws.amazon.com/AmazonECS/latest/APIReference/): PlacementStrategy,
 *          PlacementConstraint, CreateService.schedulingStrategy / platformVersion.
 *   [TF]   hashicorp/terraform-provider-aws internal/service/ecs/service.go,
 *          ordered_placement_strategy.field: StateFunc "host" -> "instanceId" and
 *          DiffSuppressFunc SuppressEquivalentStringCaseInsensitive.
 */
import type { Json } from '../../model/json.js';
import { BINPACK_FIELDS } from './placement-schema.js';

// [API] PlacementStrategy.field (the binpack fields: placement-schema.ts): "For the spread placement
// strategy, valid values are instanceId (or host, which has the same effect)". "For the random
// placement strategy, this field is not used."

function canonicalStrategy(item: unknown): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  const s = item as Json;
  const field = typeof s.field === 'string' ? s.field : undefined;
  if (s.type === 'random') {
    const { field: _unused, ...rest } = s;
    return rest;
  }
  if (field === undefined) return s;
  if (s.type === 'binpack' && BINPACK_FIELDS.has(field.toLowerCase())) return { ...s, field: field.toLowerCase() };
  if (s.type === 'spread' && (field.toLowerCase() === 'host' || field.toLowerCase() === 'instanceid')) return { ...s, field: 'instanceId' };
  return s;
}

/**
 * A Service spec (desired or live, CreateService shape) with its placement strategies in
 * one spelling. Their order is kept: ECS applies the strategies in the order given (spread
 * over zones, then binpack), so a reorder stays a change.
 */
export function servicePlacementForDiff(spec: Json): Json {
  const strategies = spec.placementStrategy;
  if (!Array.isArray(strategies) || strategies.length === 0) return spec;
  return { ...spec, placementStrategy: strategies.map(canonicalStrategy) };
}
