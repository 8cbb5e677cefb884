// A clone is the whole project: no test, script or document reads or links a path outside
// the repository (issue 15 item 5), and what the tests hold against the design contract is
// the repository's own copy of it, docs/design.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_STATES } from '../src/diff/types.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Files below `dir` (relative to ROOT), skipping installed, built and generated folders. */
function filesBelow(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (skip.has(rel) || ['node_modules', 'dist', '.venv', '.git', 'test-output', 'coverage'].includes(entry.name)) continue;
    if (entry.isDirectory()) out.push(...filesBelow(rel, skip));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Where a relative path written in `file` leads, when it leads out of the repository. */
function leavesRepository(file: string, target: string): string | undefined {
  const resolved = path.resolve(ROOT, path.dirname(file), target);
  const rel = path.relative(ROOT, resolved);
  return rel.startsWith('..') || path.isAbsolute(rel) ? resolved : undefined;
}

// fixtures are data (hostile inputs hold `../` paths on purpose); the code that reads them is checked
const CODE_AND_SCRIPTS = ['src', 'test', 'bench', 'scripts', 'bin', '.ci']
  .flatMap((d) => filesBelow(d, new Set(['test/fixtures', '.ci/node'])))
  .concat(['Dockerfile', 'vitest.config.ts']);
const MARKDOWN = ['README.md', ...filesBelow('docs'), ...filesBelow('test/fixtures')].filter((f) => f.endsWith('.md'));

describe('the repository on its own', () => {
  it('has no quoted relative path in code, tests or scripts that leads outside it', () => {
    const outside: string[] = [];
    for (const file of CODE_AND_SCRIPTS) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/['"`]((?:\.\.\/)+[^'"`\n]*)['"`]/g)) {
        const where = leavesRepository(file, m[1]!);
        if (where) outside.push(`${file}: '${m[1]}' -> ${where}`);
      }
    }
    expect(CODE_AND_SCRIPTS).toContain('test/schema.test.ts');
    expect(outside).toEqual([]);
  });

  it('has no Markdown link that leads outside it, and every relative link is a file in it', () => {
    const broken: string[] = [];
    for (const file of MARKDOWN) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^(https?:|mailto:|#)/.test(link)) continue;
        const target = link.split('#')[0]!;
        if (path.isAbsolute(target)) broken.push(`${file}: ${link} is an absolute path`);
        else if (leavesRepository(file, target)) broken.push(`${file}: ${link} leads outside the repository`);
        else if (!existsSync(path.resolve(ROOT, path.dirname(file), target))) broken.push(`${file}: ${link} is no file`);
      }
    }
    expect(MARKDOWN).toEqual(expect.arrayContaining(['README.md', 'docs/design.md']));
    expect(broken).toEqual([]);
  });
});

describe("the repository's copy of the design contract", () => {
  const design = readFileSync(path.join(ROOT, 'docs', 'design.md'), 'utf8');

  it("lists the report's resource states in its states table", () => {
    const table = /^\| state \| meaning \|\n\| --- \| --- \|\n((?:\|.*\|\n)+)/m.exec(design)?.[1] ?? '';
    const contractStates = [...table.matchAll(/^\| ([a-z-]+) \|/gm)].map((m) => m[1]!);
    expect(contractStates).toContain('in-sync');
    expect([...RESOURCE_STATES].sort()).toEqual([...contractStates].sort());
  });
});
