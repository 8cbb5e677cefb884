import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeManifestBytes, loadManifests, readManifestFiles } from '../src/manifests/index.js';

const CLUSTER = (name: string) => `apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec: {}\n`;

let dir: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecs-reconciler-files-'));
  outside = await mkdtemp(join(tmpdir(), 'ecs-reconciler-outside-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('reading the manifests folder', () => {
  it('reads .yaml, .yml and .json files in nested folders and skips hidden folders and other files', async () => {
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'one.yaml'), CLUSTER('one'));
    await writeFile(join(dir, 'a', 'b', 'two.yml'), CLUSTER('two'));
    await writeFile(join(dir, '.git', 'config.yaml'), 'not: a manifest\n');
    await writeFile(join(dir, 'README.md'), '# hi\n');
    const r = await readManifestFiles(dir);
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.file)).toEqual(['a/b/two.yml', 'one.yaml']);
  });

  it('reports invalid UTF-8 with its line and column', async () => {
    await writeFile(
      join(dir, 'latin1.yaml'),
      Buffer.concat([Buffer.from('apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    await writeFile(join(dir, 'ok.yaml'), CLUSTER('ok'));
    const r = await loadManifests(dir, { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([
      { stage: 'load', file: 'latin1.yaml', line: 4, column: 12, message: 'invalid UTF-8 at byte 65: manifests must be UTF-8 text' },
    ]);
    expect(r.resources.map((x) => x.name)).toEqual(['ok']);
    expect(r.complete).toBe(false);
  });

  it('refuses a binary file (NUL bytes) and names where', async () => {
    await writeFile(join(dir, 'image.yaml'), Buffer.from([0x61, 0x0a, 0x62, 0x00, 0x01]));
    const r = await readManifestFiles(dir);
    expect(r.problems).toEqual([{ stage: 'load', file: 'image.yaml', line: 2, column: 2, message: 'binary file (contains a NUL byte): not a manifest' }]);
  });

  it('refuses UTF-16 with a message that says so', () => {
    expect(decodeManifestBytes(Buffer.from('\ufeffa: b\n', 'utf16le'))).toEqual({
      error: 'file is UTF-16 encoded: manifests must be UTF-8 text (re-save it as UTF-8)',
      line: 1,
      column: 1,
    });
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(decodeManifestBytes(Buffer.from('\ufeffa: b\n', 'utf8'))).toEqual({ text: 'a: b\n' });
  });

  it('refuses a file over the size limit', async () => {
    await writeFile(join(dir, 'big.yaml'), `${CLUSTER('big') + '#'.repeat(2000)}\n`);
    await writeFile(join(dir, 'small.yaml'), CLUSTER('small'));
    const r = await loadManifests(dir, { defaultRegion: 'us-east-1', maxFileBytes: 1024 });
    expect(r.problems).toEqual([{ stage: 'load', file: 'big.yaml', line: 1, column: 1, message: 'file is 2.0 KiB, over the 1.0 KiB limit: refused' }]);
    expect(r.resources.map((x) => x.name)).toEqual(['small']);
    expect(r.complete).toBe(false);
  });

  it('refuses a file over the default 1 MiB limit', async () => {
    await writeFile(join(dir, 'huge.yaml'), `${CLUSTER('huge')}# ${'x'.repeat(1024 * 1024)}\n`);
    const r = await readManifestFiles(dir);
    expect(r.problems).toEqual([{ stage: 'load', file: 'huge.yaml', line: 1, column: 1, message: 'file is 1.0 MiB, over the 1.0 MiB limit: refused' }]);
  });

  it('refuses a symlink that points outside the folder, and follows one that stays inside', async () => {
    await writeFile(join(outside, 'secret.yaml'), CLUSTER('secret'));
    await symlink(join(outside, 'secret.yaml'), join(dir, 'escape.yaml'));
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'c.yaml'), CLUSTER('c'));
    await symlink(outside, join(dir, 'escape-dir'));
    const r = await readManifestFiles(dir);
    expect(r.problems.map((p) => [p.file, p.message.replace(/\(to .*\)/, '(to …)')])).toEqual([
      ['escape-dir', 'symlink points outside the manifests folder (to …): refused'],
      ['escape.yaml', 'symlink points outside the manifests folder (to …): refused'],
    ]);
    expect(r.files.map((f) => f.file)).toEqual(['real/c.yaml']);
  });

  it('reports a symlink loop (a folder linked to its parent) by the link name, without hanging', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'c.yaml'), CLUSTER('c'));
    await symlink('..', join(dir, 'sub', 'up'));
    const r = await readManifestFiles(dir);
    expect(r.problems).toEqual([
      {
        stage: 'load',
        file: 'sub/up',
        line: 1,
        column: 1,
        message: 'symlink loop: the link points to the manifests folder, a folder that contains it: skipped',
      },
    ]);
    expect(r.files.map((f) => f.file)).toEqual(['sub/c.yaml']);
  });

  it('names a link to a folder read elsewhere for what it is, whichever sorts first', async () => {
    await mkdir(join(dir, 'v2'));
    await writeFile(join(dir, 'v2', 'c.yaml'), CLUSTER('c'));
    await symlink('v2', join(dir, 'current'));
    const r = await readManifestFiles(dir);
    expect(r.problems).toEqual([
      { stage: 'load', file: 'current', line: 1, column: 1, message: 'symlink to a folder already read as "v2": skipped (its manifests would be read twice)' },
    ]);
    expect(r.files.map((f) => f.file)).toEqual(['v2/c.yaml']);
  });

  it('reads a linked folder whose target is hidden, under the link name', async () => {
    await mkdir(join(dir, '.shared'));
    await writeFile(join(dir, '.shared', 'c.yaml'), CLUSTER('c'));
    await symlink('.shared', join(dir, 'shared'));
    const r = await readManifestFiles(dir);
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.file)).toEqual(['shared/c.yaml']);
  });

  it('reports a folder that does not exist', async () => {
    const r = await loadManifests(join(dir, 'nope'), { defaultRegion: 'us-east-1' });
    expect(r.problems).toEqual([{ stage: 'load', file: join(dir, 'nope'), message: 'cannot read the manifests folder: no such file or folder' }]);
    expect(r.complete).toBe(false);
  });
});

describe("the daemon's file texts (FileTexts): an unchanged file is not read again", () => {
  const past = new Date(Date.now() - 60_000);
  it('does not read again a file whose stat is unchanged (its digest stands for it), reads a changed one, forgets a removed one', async () => {
    const { FileTexts, textDigest } = await import('../src/manifests/files.js');
    const { utimes } = await import('node:fs/promises');
    await writeFile(join(dir, 'one.yaml'), CLUSTER('one'));
    await writeFile(join(dir, 'two.yaml'), CLUSTER('two'));
    // modified a minute ago: past the racy window, so the first read is trusted next time
    await utimes(join(dir, 'one.yaml'), past, past);
    await utimes(join(dir, 'two.yaml'), past, past);
    const texts = new FileTexts();
    const first = await readManifestFiles(dir, { texts });
    expect(texts.counts).toEqual({ read: 2, reused: 0 });
    expect(first.files.map((f) => f.text)).toEqual([CLUSTER('one'), CLUSTER('two')]);
    expect(first.files.map((f) => f.digest)).toEqual([textDigest(CLUSTER('one')), textDigest(CLUSTER('two'))]);
    const again = await readManifestFiles(dir, { texts });
    expect(texts.counts).toEqual({ read: 0, reused: 2 });
    // not read: no text, the digest of the text read last time
    expect(again.files).toEqual([
      { file: 'one.yaml', digest: textDigest(CLUSTER('one')) },
      { file: 'two.yaml', digest: textDigest(CLUSTER('two')) },
    ]);
    // same size, same (old) mtime given back: the ctime still moves, so it is read again
    await writeFile(join(dir, 'two.yaml'), CLUSTER('TWO'));
    await utimes(join(dir, 'two.yaml'), past, past);
    const edited = await readManifestFiles(dir, { texts });
    expect(texts.counts).toEqual({ read: 1, reused: 1 });
    expect(edited.files.map((f) => f.text)).toEqual([undefined, CLUSTER('TWO')]);
    await rm(join(dir, 'one.yaml'));
    await readManifestFiles(dir, { texts });
    await writeFile(join(dir, 'one.yaml'), CLUSTER('one'));
    await utimes(join(dir, 'one.yaml'), past, past);
    await readManifestFiles(dir, { texts });
    expect(texts.counts).toEqual({ read: 1, reused: 1 });
  });

  it('a file modified just before it was read is read again next time (a second write in the same tick would not show in its stat)', async () => {
    const { FileTexts } = await import('../src/manifests/files.js');
    await writeFile(join(dir, 'fresh.yaml'), CLUSTER('fresh'));
    const texts = new FileTexts();
    await readManifestFiles(dir, { texts });
    await readManifestFiles(dir, { texts });
    expect(texts.counts).toEqual({ read: 1, reused: 0 });
  });
});
