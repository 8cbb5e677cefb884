/**
 * A family, `family:revision` or a revision ARN -> the family: ECS takes any of the three
 * where it asks for a task definition (DescribeTaskDefinition taskDefinition: "The family
 * for the latest ACTIVE revision, family and revision (family:revision) for a specific
 * revision in the family, or full Amazon Resource Name (ARN)").
 */
export function familyOf(ref: string): string {
  const tail = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = tail.indexOf(':');
  return colon >= 0 ? tail.slice(0, colon) : tail;
}

/** `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7` -> family `web`, revision 7 (also `web:7` alone). */
export function revisionOf(arn: string): { family: string; revision: number } {
  const tail = arn.slice(arn.lastIndexOf('/') + 1);
  const i = tail.lastIndexOf(':');
  return { family: tail.slice(0, i), revision: Number(tail.slice(i + 1)) };
}

/** A revision as people name it, `web:7`, from its ARN (a `family:revision` or family as given; nothing: `(none)`). */
export function revisionLabel(arn: string): string {
  if (!arn.startsWith('arn:')) return arn || '(none)';
  const { family, revision } = revisionOf(arn);
  return `${family}:${revision}`;
}
