/** `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7` -> family `web`, revision 7 (also `web:7` alone). */
export function revisionOf(arn: string): { family: string; revision: number } {
  const tail = arn.slice(arn.lastIndexOf('/') + 1);
  const i = tail.lastIndexOf(':');
  return { family: tail.slice(0, i), revision: Number(tail.slice(i + 1)) };
}
