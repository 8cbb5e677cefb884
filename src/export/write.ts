/**
 * I/O: writes an export to its folder: the manifests, README.md, and
 * variables.env.example when there are placeholders. A folder that already holds files
 * is refused unless `force` (then only the files of this export are overwritten).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExportResult } from './build.js';
import { type ReadmeContext, renderEnvExample, renderFile, renderReadme } from './render.js';

export const ENV_EXAMPLE = 'variables.env.example';

/** Every file of an export, relative path -> text (pure). */
export function exportTexts(result: ExportResult, ctx: ReadmeContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of result.files) out.set(f.path, renderFile(f));
  out.set('README.md', renderReadme(result, ctx));
  if (result.placeholders.length) out.set(ENV_EXAMPLE, renderEnvExample(result));
  return out;
}

export class OutputNotEmptyError extends Error {}

export async function writeExport(dir: string, texts: ReadonlyMap<string, string>, opts: { force?: boolean } = {}): Promise<string[]> {
  let existing: string[] = [];
  try {
    existing = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing.length > 0 && !opts.force) {
    throw new OutputNotEmptyError(
      `${dir} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}): choose an empty folder, or pass --force to overwrite the exported files in it`,
    );
  }
  const written: string[] = [];
  for (const [rel, text] of texts) {
    const file = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    written.push(rel);
  }
  return written;
}
