import path from 'node:path';
import { buildExport, ENV_EXAMPLE, exportTexts, OutputNotEmptyError, readForExport, verifyExport, writeExport } from '../export/index.js';
import { countByKind } from '../kinds/registry.js';
import { clusterNameOf } from '../model/ecs-arn.js';
import { COMMON_HELP, parseCommandArgs, UsageError } from './flags.js';
import type { CommandIO } from './io.js';
import { DEFAULT_CONTROLLER_ID, makeGateways, requireRegion } from './reconcile-flags.js';

export const EXPORT_HELP = `Usage: ecs-reconciler export (--cluster NAME... | --all-clusters) --out DIR [--tag K=V]...

Writes manifests for what is live, so adopting an existing estate is one commit:
one folder per cluster with its Cluster manifest (cluster.yaml) and a file per
service holding the Service (with its auto scaling) and the TaskDefinition its
PRIMARY deployment runs. Read-only calls only.

The manifests are minimal: every value ECS fills in by itself is left out (the diff's
normalization, run in reverse), lists come out in a stable order, tags as a map
(ecs-reconciler:* and aws:* tags dropped), each file with a header saying where and
when it was exported from. Secrets stay references (valueFrom); environment values
whose names match PASSWORD, SECRET, TOKEN, KEY or CREDENTIAL are written as
\${VAR} placeholders, listed in DIR/README.md and DIR/${ENV_EXAMPLE}, never as values.

Before writing, the export checks itself: the files are loaded and planned against
what was read, and every resource must come out in-sync once adopted. So:
  plan DIR            every resource conflict (exists, not managed), nothing else
  apply DIR --adopt   ownership tags only: no new revision, no deployment
  plan DIR            every resource in-sync

A service whose PRIMARY deployment runs an older revision than its family's newest
(with other content) names that revision (family:revision) rather than the family,
so that adopting it deploys nothing; the file says so.

Exit status: 0 written and checked; 1 an error, or an export that would not plan
in-sync (the files are written, and what differs is shown).

Flags:
  --cluster NAME        a cluster to export, by name or ARN (repeatable, or comma-separated)
  --all-clusters        every cluster of the region
  --out DIR             the folder to write (must be empty unless --force)
  --tag K=V             only services with this tag (repeatable: all must match)
  --include-unmanaged   export resources no controller manages too (the default)
  --managed-only        only resources this controller id already manages
  --adopt-cloudformation  export resources a CloudFormation stack (CDK, Copilot) owns too
                        (aws:cloudformation:* tags); left out otherwise, as --adopt leaves them
  --force               write into a folder that is not empty

${COMMON_HELP}

Examples:
  ecs-reconciler export --cluster prod --region eu-west-1 --out estate/
  ecs-reconciler export --all-clusters --tag team=web --out estate/ --endpoint http://127.0.0.1:5000
`;

const OPTIONS = {
  cluster: { type: 'string', multiple: true },
  'all-clusters': { type: 'boolean' },
  out: { type: 'string' },
  tag: { type: 'string', multiple: true },
  'include-unmanaged': { type: 'boolean' },
  'managed-only': { type: 'boolean' },
  'adopt-cloudformation': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

function parseTags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const i = f.indexOf('=');
    if (i <= 0) throw new UsageError(`--tag must be K=V; got "${f}"`);
    out[f.slice(0, i)] = f.slice(i + 1);
  }
  return out;
}

export async function exportCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, { min: 0, max: 0, names: '' });
  if (values.help) {
    io.stdout(EXPORT_HELP);
    return 0;
  }
  const clusters = (values.cluster ?? [])
    .flatMap((c) => c.split(','))
    .map((c) => clusterNameOf(c.trim()))
    .filter((c) => c !== '');
  if (clusters.length === 0 && !values['all-clusters']) throw new UsageError('name the clusters to export: --cluster NAME (repeatable) or --all-clusters');
  if (clusters.length > 0 && values['all-clusters']) throw new UsageError('--cluster and --all-clusters exclude each other');
  if (!values.out) throw new UsageError('--out DIR is required: the folder to write the manifests to');
  if (values['managed-only'] && values['include-unmanaged']) throw new UsageError('--managed-only and --include-unmanaged exclude each other');
  const serviceTags = parseTags(values.tag ?? []);
  const region = await requireRegion(values, io);
  const controllerId = values['controller-id'] ?? DEFAULT_CONTROLLER_ID;
  const outDir = path.resolve(io.cwd, values.out);

  const gateways = makeGateways({ endpoint: values.endpoint, profile: values.profile, env: io.env });
  try {
    const read = await readForExport(gateways, {
      region,
      clusters: values['all-clusters'] ? 'all' : clusters,
      controllerId,
      onProgress: (m) => io.stderr(`· ${m}\n`),
    });
    if (read.notFound.length) {
      io.stderr(`ecs-reconciler export: no such cluster in ${region}: ${read.notFound.join(', ')}\n`);
      return 1;
    }
    if (read.clusters.length === 0) {
      io.stderr(`ecs-reconciler export: no clusters in ${region}\n`);
      return 1;
    }
    const exportedAt = new Date().toISOString();
    const result = buildExport(read.live, {
      region,
      clusters: read.clusters,
      controllerId,
      serviceTags,
      managedOnly: values['managed-only'] ?? false,
      ...(values['adopt-cloudformation'] ? { adoptCloudFormation: true } : {}),
      exportedAt,
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    });
    const check = verifyExport(result, read.live, { region, controllerId, ...(values['adopt-cloudformation'] ? { adoptCloudFormation: true } : {}) });
    const texts = exportTexts(result, { command: 'ecs-reconciler export', region, exportedAt });
    let written: string[];
    try {
      written = await writeExport(outDir, texts, { force: values.force ?? false });
    } catch (err) {
      if (err instanceof OutputNotEmptyError) {
        io.stderr(`ecs-reconciler export: ${err.message}\n`);
        return 1;
      }
      throw err;
    }

    const lines = [
      `Exported ${countByKind(result.files.flatMap((f) => f.manifests.map((m) => m.kind)))} from ${region} to ${values.out}:`,
      ...written.map((f) => `  ${f}`),
    ];
    if (result.pinned.length) {
      lines.push('', "Pinned to the revision they run (their family's newest revision differs; naming the family would deploy it):");
      for (const p of result.pinned) lines.push(`  ${p.service}: ${p.runs}${p.newest ? ` (newest: ${p.newest})` : ''}`);
    }
    if (result.placeholders.length) {
      lines.push('', `Variables to provide (sensitive values exported as \${VAR}; see ${ENV_EXAMPLE}):`);
      for (const p of result.placeholders) lines.push(`  ${p.name}  (${p.usedBy.join('; ')})`);
    }
    for (const n of result.notes) lines.push(`Note: ${n}`);
    for (const s of result.skipped) lines.push(`Not exported: ${s.resource} (${s.reason})`);
    const varFile = result.placeholders.length ? ' --var-file variables.env' : '';
    lines.push('', `Next: ecs-reconciler plan ${values.out}${varFile}  (every resource: conflict), then apply --adopt.`);
    io.stdout(`${lines.join('\n')}\n`);

    for (const p of result.problems) io.stderr(`schema: ${p}\n`);
    if (check.failures.length || result.problems.length) {
      io.stderr(`ecs-reconciler export: the export would not plan in-sync after adoption:\n${check.failures.map((f) => `  ${f}\n`).join('')}`);
      return 1;
    }
    io.stderr(`✓ checked: all ${check.inSync.length} resource(s) load and plan in-sync once adopted\n`);
    return 0;
  } catch (err) {
    io.stderr(`ecs-reconciler export: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    gateways.destroy();
  }
}
