/**
 * Pure: exported manifests to text. YAML through the `yaml` package (the loader's own),
 * keys in the order build/order gave them, small items of lists on one line
 * (`- { name: NODE_ENV, value: production }`) as people write them, `${VAR}`
 * placeholders double-quoted (a bare one would take the variable's type), no folding of
 * long strings. Plus the output folder's README.md and variables.env.example.
 */
import { Document, isMap, isPair, isScalar, isSeq, type Node, Scalar, visit } from 'yaml';
import type { ExportFile, ExportResult } from './build.js';

const FLOW_WIDTH = 100;
const PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

function scalarsOnly(node: Node): boolean {
  if (isMap(node)) return node.items.every((p) => isPair(p) && isScalar(p.value));
  if (isSeq(node)) return node.items.every((i) => isScalar(i));
  return false;
}

function oneLine(node: Node): string {
  const doc = new Document(node.toJSON());
  if (isMap(doc.contents) || isSeq(doc.contents)) doc.contents.flow = true;
  return doc.toString({ lineWidth: 0 }).trim();
}

/** Path of a pair, as build's comment keys (`spec.taskDefinition`). */
function pathOf(ancestors: readonly unknown[], key: unknown): string {
  const parts: string[] = [];
  for (const a of ancestors) if (isPair(a) && isScalar(a.key)) parts.push(String(a.key.value));
  if (isScalar(key)) parts.push(String(key.value));
  return parts.join('.');
}

export function renderDocument(doc: Record<string, unknown>, comments: Record<string, string> = {}): string {
  const d = new Document(doc);
  visit(d, {
    Pair(_key, pair, ancestors) {
      const c = comments[pathOf(ancestors, pair.key)];
      if (c !== undefined && isScalar(pair.key)) pair.key.commentBefore = c;
    },
    Map(_key, node, ancestors) {
      // items of a list: short all-scalar maps on one line
      const parent = ancestors[ancestors.length - 1];
      if (isSeq(parent) && scalarsOnly(node) && oneLine(node).length <= FLOW_WIDTH) node.flow = true;
    },
    Seq(_key, node) {
      if (node.items.length > 0 && scalarsOnly(node) && oneLine(node).length <= FLOW_WIDTH) node.flow = true;
    },
    Scalar(_key, node) {
      if (typeof node.value === 'string' && PLACEHOLDER.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return d.toString({ lineWidth: 0, flowCollectionPadding: true });
}

export function renderFile(file: ExportFile): string {
  const head = file.header.map((l) => `# ${l}`.trimEnd()).join('\n');
  const docs = file.manifests.map((m) => renderDocument(m.doc, m.comments));
  return `${head}\n${docs.join('---\n')}`;
}

export function renderEnvExample(result: ExportResult): string {
  const lines = [
    '# Variables the exported manifests need: sensitive environment values and log options',
    '# were exported as ${NAME} placeholders, never as values. Copy this file outside the',
    '# repository (or into your secret store), fill in the values and pass it with',
    '# --var-file; better still, move each to `secrets` (valueFrom) in the manifest.',
  ];
  for (const p of result.placeholders) {
    lines.push('', ...p.usedBy.map((u) => `# ${u}`), `${p.name}=`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ReadmeContext {
  command: string;
  region: string;
  exportedAt: string;
}

export function renderReadme(result: ExportResult, ctx: ReadmeContext): string {
  const out: string[] = [];
  out.push('# Exported ECS estate', '');
  out.push(
    `Written by \`${ctx.command}\` at ${ctx.exportedAt}${result.account ? ` from account ${result.account}` : ''}, region ${ctx.region}.`,
    'Every value ECS fills in by itself is left out; what remains is what the resources were created with.',
    '',
    '## Adopting it',
    '',
    '```sh',
    `ecs-reconciler plan DIR${result.placeholders.length ? ' --var-file variables.env' : ''}          # every resource: conflict (exists, not managed)`,
    `ecs-reconciler apply DIR --adopt${result.placeholders.length ? ' --var-file variables.env' : ''}  # takes them over: ownership tags only`,
    `ecs-reconciler plan DIR${result.placeholders.length ? ' --var-file variables.env' : ''}          # every resource: in-sync`,
    '```',
    '',
    '## Files',
    '',
  );
  for (const f of result.files) out.push(`- \`${f.path}\`: ${f.manifests.map((m) => m.id).join(', ')}`);
  if (result.placeholders.length) {
    out.push(
      '',
      '## Variables to provide',
      '',
      'These environment values (or log options) have sensitive names, so they were exported as `${NAME}`',
      'placeholders, not as the live values. Fill them in a copy of `variables.env.example` kept out of git,',
      'or better, move them to `secrets` (`valueFrom` an SSM parameter or a Secrets Manager secret).',
      '',
    );
    for (const p of result.placeholders) out.push(`- \`${p.name}\`: ${p.usedBy.join('; ')}`);
  }
  if (result.pinned.length) {
    out.push('', '## Services pinned to a revision', '');
    for (const p of result.pinned) {
      out.push(
        `- ${p.service} runs \`${p.runs}\`${p.newest ? `, but the family's newest ACTIVE revision is \`${p.newest}\` with other content` : ''}: its \`taskDefinition\` names \`${p.runs}\`, so adopting it deploys nothing. Name the family instead when you want the controller to own its revisions (that deploys the family's manifest).`,
      );
    }
  }
  if (result.notes.length || result.skipped.length) {
    out.push('', '## Notes', '');
    for (const n of result.notes) out.push(`- ${n}`);
    for (const s of result.skipped) out.push(`- not exported: ${s.resource} (${s.reason})`);
  }
  return `${out.join('\n')}\n`;
}
