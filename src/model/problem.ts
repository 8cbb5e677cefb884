/**
 * An error as a value: where it happened and why. Rendered once, at the edge
 * (CLI or report), in the user's chosen format.
 */
type Stage = 'load' | 'validate' | 'read' | 'diff' | 'plan' | 'apply' | 'prune';

export interface Problem {
  stage: Stage;
  message: string;
  /** path of the manifest file, relative to the manifests folder */
  file?: string;
  line?: number;
  column?: number;
  /** field path inside the document, e.g. spec.containerDefinitions[0].image */
  path?: string;
  /** resource id, e.g. Service/eu-west-1/prod/web */
  resource?: string;
  /** did-you-mean and other advice */
  hint?: string;
}

export function problemLocation(p: Problem): string {
  if (!p.file) return '';
  let loc = p.file;
  if (p.line !== undefined) loc += `:${p.line}`;
  if (p.line !== undefined && p.column !== undefined) loc += `:${p.column}`;
  return loc;
}

/** `services/web.yaml:14:7 spec.desiredCount: expected ..., (did you mean ...)` */
export function formatProblem(p: Problem): string {
  const parts: string[] = [];
  const loc = problemLocation(p);
  if (loc) parts.push(loc);
  else if (p.resource) parts.push(p.resource);
  const head = p.path ? `${p.path}: ${p.message}` : p.message;
  parts.push(head);
  let out = parts.join(' ');
  if (p.hint) out += ` (${p.hint})`;
  if (loc && p.resource && !out.includes(p.resource)) out += ` [${p.resource}]`;
  return out;
}
