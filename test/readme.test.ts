// The README on a fresh clone: its first manifest example validates with the command it
// gives, its links stay inside the repository, and the commands it names exist.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Fenced blocks in order, with their language. */
function fencedBlocks(markdown: string): Array<{ lang: string; text: string; index: number }> {
  return [...markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map((m) => ({
    lang: m[2]!,
    text: m[3]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''),
    index: m.index,
  }));
}

describe("the README's first manifest example", () => {
  const blocks = fencedBlocks(README);
  const example = blocks.find((b) => b.lang === 'yaml')!;
  const command = blocks
    .filter((b) => b.lang === 'sh' && b.index > example.index)
    .flatMap((b) => b.text.split('\n'))
    .find((l) => l.startsWith('npx ecs-reconciler validate '))!;
  const work = mkdtempSync(path.join(tmpdir(), 'ecs-reconciler-readme-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is followed by the validate command that checks it', () => {
    expect(example.text).toContain('kind: Cluster');
    expect(command).toMatch(/^npx ecs-reconciler validate example( --var \S+=\S+)*$/);
  });

  it('validates as written, with that command: exit 0, three resources, no problem', async () => {
    // "Saved as example/app.yaml": the README's own words say where
    expect(README).toContain('Saved as `example/app.yaml`');
    mkdirSync(path.join(work, 'example'));
    writeFileSync(path.join(work, 'example', 'app.yaml'), example.text);
    const argv = command.split(/\s+/).slice(2); // drop "npx ecs-reconciler"
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: work });
    expect({ code, out, err }).toMatchObject({ code: 0 });
    expect(out).toMatch(/1 cluster\(s\), 1 task definition\(s\), 1 service\(s\) valid/);
    expect(out).not.toMatch(/problem/);
  });
});

describe('the README on a fresh clone', () => {
  it('links nothing outside the repository, and every relative link is a file in it', () => {
    const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^(https?:|mailto:|#)/.test(l));
    expect(links.filter((l) => l.startsWith('../') || l.startsWith('/'))).toEqual([]);
    for (const link of links) expect(existsSync(path.join(ROOT, link.split('#')[0]!)), link).toBe(true);
    expect(README).toContain('](docs/design.md)');
  });

  it('docs/design.md says it mirrors the team contract', () => {
    expect(readFileSync(path.join(ROOT, 'docs', 'design.md'), 'utf8')).toMatch(
      /^> This is the repository's own copy of ecs-reconciler's design contract[\s\S]*mirrors the team's contract/,
    );
  });

  it('every `npm run X` it names is a script of package.json', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const named = [...README.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named).toEqual(expect.arrayContaining(['local', 'setup:chromium']));
    for (const name of named) expect(scripts, name).toHaveProperty(name);
  });

  it('says Node.js 22 or later is needed and that .ci/run fetches it', () => {
    expect(README).toContain('Node.js 22 or later');
    expect(README).toMatch(/\.ci\/run`?: on a machine whose Node\.js is older than 22 it fetches Node 24/);
  });

  it('the drift example reads its endpoint and region from the env file the emulator writes', () => {
    const snippet = fencedBlocks(README).find((b) => b.text.includes('aws ecs update-service'))!;
    expect(snippet.text).toContain('. ./.emulator.env');
    const vars = [...snippet.text.matchAll(/\$\{?([A-Z_]+)\}?/g)].map((m) => m[1]!);
    const serve = readFileSync(path.join(ROOT, 'scripts', 'emulator_ext', 'serve.py'), 'utf8');
    for (const v of vars) expect(serve, v).toContain(`"${v}":`);
    expect(snippet.text).toMatch(/--endpoint-url "\$ECS_ENDPOINT" --region "\$AWS_REGION"/);
  });

  it('claims no file-to-apply time below what the debounce alone takes', () => {
    expect(README).not.toMatch(/within 0\.3 ?s/);
  });
});
