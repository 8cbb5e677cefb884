// The test command and CI hold the tree to one linter and formatter and to knip's
// unused-code check (issue 15 item 5): `npm test` runs `npm run lint` before anything else,
// so a lint failure fails CI (.ci/run runs npm test).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };

/** JSON with comments (biome.jsonc, knip.jsonc): line comments dropped, never inside strings. */
function parseJsonc(text: string): unknown {
  return JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*/g, (_, str: string | undefined) => str ?? ''));
}

describe('the lint step', () => {
  it('runs first in npm test, and is Biome (without writing) and knip', () => {
    expect(pkg.scripts.test).toMatch(/^npm run lint && /);
    expect(pkg.scripts.lint).toMatch(/\bbiome check\b/);
    expect(pkg.scripts.lint).not.toMatch(/--write|--fix/);
    // warnings fail too: a rule worth keeping on is worth keeping clean
    expect(pkg.scripts.lint).toContain('--error-on-warnings');
    expect(pkg.scripts.lint).toMatch(/\bknip\b/);
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['@biomejs/biome', 'knip']));
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });

  it('covers the whole tree but the fixtures, with the recommended rules', () => {
    const biome = parseJsonc(read('biome.jsonc')) as { files: { includes: string[] }; linter: { rules: { preset: string } } };
    expect(biome.files.includes).toEqual(expect.arrayContaining(['src/**', 'test/**', '!test/fixtures', 'bench/**', 'bin/**', 'scripts/*.mjs']));
    expect(biome.linter.rules.preset).toBe('recommended');
  });

  it('gives knip the entry points nothing imports: the worker started by URL and the CLI the launcher runs from dist/', () => {
    const knip = parseJsonc(read('knip.jsonc')) as { entry: string[] };
    expect(knip.entry).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/manifests/parse-worker.ts', 'bench/cli-child.mjs']));
    expect(read('src/manifests/parallel-parse.ts')).toContain("new URL('./parse-worker.js', import.meta.url)");
  });
});
