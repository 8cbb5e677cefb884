// The layout's rules, read from the source itself: no import cycle between the top-level
// folders of src/, and no stage outside src/kinds/ that branches on a resource kind (it
// asks the kind, through src/kinds/registry.ts, instead).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../src/kinds/registry.js';

const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }));
const topOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.');

/** folder -> folders it imports, with one file that does, for the message */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const f of files) {
    const from = topOf(f.rel);
    for (const m of f.text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(f.path), m[1]!)).replaceAll('\\', '/');
      if (target.startsWith('..')) continue;
      const to = topOf(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, f.rel);
    }
  }
  return graph;
}

/** Every cycle through a folder, as `a -> b -> a` with the importing file of each step. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  for (const start of graph.keys()) {
    const walk = (at: string, path: string[]) => {
      for (const [next, file] of graph.get(at) ?? []) {
        if (next === start) found.push([...path, `${next} (${file})`].join(' -> '));
        else if (!path.some((p) => p.startsWith(`${next} `)) && next > start) walk(next, [...path, `${next} (${file})`]);
      }
    };
    walk(start, [start]);
  }
  return found;
}

const KIND_NAMES = REGISTRY.map((k) => k.name).join('|');
const KIND_BRANCH = new RegExp(`\\bkind\\s*[!=]==?\\s*'(?:${KIND_NAMES})'|case\\s+'(?:${KIND_NAMES})'\\s*:`, 'g');

function kindBranches(rel: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.match(KIND_BRANCH)) out.push(`${rel}:${i + 1}: ${line.trim()}`);
  });
  return out;
}

const KIND_FOLDERS = readdirSync(join(SRC, 'kinds'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const KIND_NAME_LITERAL = new RegExp(`['"\`](?:${KIND_NAMES})['"\`]`);

/** Lines of a file that import a kind's folder or quote a kind's name: a stage that knows a kind by name. */
function kindCouplings(rel: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const folder = /from\s+'[./]*\/kinds\/([^/']+)\//.exec(line)?.[1];
    if ((folder && KIND_FOLDERS.includes(folder)) || KIND_NAME_LITERAL.test(line)) out.push(`${rel}:${i + 1}: ${line.trim()}`);
  });
  return out;
}

describe('the source layout', () => {
  it('has no import cycle between the top-level folders of src/', () => {
    expect(cycles(folderGraph())).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['diff', new Map([['live', 'diff/a.ts']])],
      ['live', new Map([['diff', 'live/b.ts']])],
    ]);
    expect(cycles(graph)).toEqual(['diff -> live (diff/a.ts) -> diff (live/b.ts)']);
  });

  it('branches on a resource kind only inside src/kinds/: every stage asks the registry', () => {
    const outside = files.filter((f) => !f.rel.startsWith('kinds/')).flatMap((f) => kindBranches(f.rel, f.text));
    // no allowance: the load, read, diff, plan, apply, report and export stages hold none
    expect(outside).toEqual([]);
  });

  it('recognizes a kind branch (the check itself works)', () => {
    expect(kindBranches('x.ts', "if (d.kind === 'Service') return;\nswitch (k) { case 'Cluster': }\nconst u = kind === 'cpu';")).toEqual([
      "x.ts:1: if (d.kind === 'Service') return;",
      "x.ts:2: switch (k) { case 'Cluster': }",
    ]);
  });

  it("export walks the registry: src/export/ imports no kind's folder and quotes no kind's name (each kind's export step is its own)", () => {
    expect(files.filter((f) => f.rel.startsWith('export/')).flatMap((f) => kindCouplings(f.rel, f.text))).toEqual([]);
  });

  it("recognizes an import of a kind's folder and a kind's name (the check itself works)", () => {
    expect(
      kindCouplings(
        'export/x.ts',
        "import { exportServiceSpec } from '../kinds/service/export.js';\nimport { REGISTRY } from '../kinds/registry.js';\nconst k = { kind: 'Cluster' };",
      ),
    ).toEqual(["export/x.ts:1: import { exportServiceSpec } from '../kinds/service/export.js';", "export/x.ts:3: const k = { kind: 'Cluster' };"]);
  });
});
