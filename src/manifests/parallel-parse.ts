/**
 * Parsing a large folder on every core: YAML parsing is most of a load's CPU (about
 * 0.25 ms a document with the yaml package), and the files are independent. Used by
 * loadManifests for big folders when the compiled worker is present; small folders,
 * and the daemon's passes (which re-parse only changed files), stay on one thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ManifestFile } from './files.js';
import { type ParseContext, type ParsedFile, parseManifestText } from './parse.js';

/** Below this much text, starting workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

export function parallelParseAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL)) && availableParallelism() > 1;
}

/** Parses every file, the work split by size between this thread and the others. */
export async function parseFilesInParallel(
  files: readonly ManifestFile[],
  ctx: ParseContext,
  threads = Math.min(availableParallelism(), 4),
): Promise<ParsedFile[]> {
  const total = files.reduce((n, f) => n + f.text.length, 0);
  if (threads < 2 || total < PARALLEL_MIN_BYTES || !parallelParseAvailable()) return files.map((f) => parseManifestText(f.file, f.text, ctx));
  // contiguous shares of about equal size keep the results in file order
  const shares: Array<{ start: number; end: number }> = [];
  let start = 0;
  let acc = 0;
  files.forEach((f, i) => {
    acc += f.text.length;
    if (acc >= (total / threads) * (shares.length + 1) && shares.length < threads - 1) {
      shares.push({ start, end: i + 1 });
      start = i + 1;
    }
  });
  shares.push({ start, end: files.length });
  const [own, ...others] = shares;
  const vars = [...ctx.vars];
  const pending = others.map(
    (share) =>
      new Promise<ParsedFile[]>((resolve, reject) => {
        const worker = new Worker(WORKER_URL, { workerData: { files: files.slice(share.start, share.end), vars, defaultRegion: ctx.defaultRegion } });
        worker.once('message', (parsed: ParsedFile[]) => {
          resolve(parsed);
          void worker.terminate();
        });
        worker.once('error', reject);
      }),
  );
  const mine = files.slice(own!.start, own!.end).map((f) => parseManifestText(f.file, f.text, ctx));
  const rest = await Promise.all(pending);
  return [mine, ...rest].flat();
}
