/**
 * The redaction key: masks are HMACs under it (report/redact.ts). Kept in the state dir
 * so masks stay comparable across restarts (a drift report from yesterday and today
 * shows the same mask for the same value), at 0600 because whoever reads it can test
 * guesses against a mask again.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

const REDACTION_KEY_FILE = 'redaction.key';

export type RedactionKey = { key: Buffer; source: 'state-dir'; file: string; created: boolean } | { key: Buffer; source: 'process' };

/** Reads DIR/redaction.key, or creates it (0600) when missing; without a state dir, a per-process random key. */
export async function loadRedactionKey(stateDir: string | undefined): Promise<RedactionKey> {
  if (!stateDir) return { key: randomBytes(32), source: 'process' };
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, REDACTION_KEY_FILE);
  try {
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    return { key: await keyFrom(file), source: 'state-dir', file, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // an older or hand-made file readable by others: narrowed, not trusted to stay that way
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return { key: await keyFrom(file), source: 'state-dir', file, created: false };
}

async function keyFrom(file: string): Promise<Buffer> {
  const text = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new Error(`${file}: expected 64 hex digits (a redaction key written by ecs-reconciler); remove the file to make a new one`);
  return Buffer.from(text, 'hex');
}
