/**
 * Pure: a unified diff (the `diff -u` / `git diff` format that ecspresso and kubectl
 * users read) of two texts, line by line, with three lines of context. Specs are
 * small (hundreds of lines), so a longest-common-subsequence table is plenty.
 */

const CONTEXT = 3;
/** above this many cells, the LCS table costs too much: the whole text is shown replaced */
const MAX_TABLE_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function lines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_TABLE_CELLS) {
    return [...a.map((line, i) => ({ kind: '-' as const, line, a: i, b: 0 })), ...b.map((line, j) => ({ kind: '+' as const, line, a: n, b: j }))];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i]!, a: i++, b: j++ });
    // removals before additions, as diff -u prints a changed line
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', line: a[i]!, a: i++, b: j });
    else ops.push({ kind: '+', line: b[j]!, a: i, b: j++ });
  }
  return ops;
}

export interface DiffColors {
  removed: (s: string) => string;
  added: (s: string) => string;
  hunk: (s: string) => string;
  header: (s: string) => string;
}

export const NO_COLORS: DiffColors = { removed: (s) => s, added: (s) => s, hunk: (s) => s, header: (s) => s };

/** ANSI SGR colors as git uses them: red removals, green additions, cyan hunk heads, bold file heads. */
export const TERMINAL_COLORS: DiffColors = {
  removed: (s) => `\u001b[31m${s}\u001b[0m`,
  added: (s) => `\u001b[32m${s}\u001b[0m`,
  hunk: (s) => `\u001b[36m${s}\u001b[0m`,
  header: (s) => `\u001b[1m${s}\u001b[0m`,
};

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${count === 0 ? start : start},${count}`);

/** The unified diff from `before` to `after`; empty when they are the same text. */
export function unifiedDiff(before: string, after: string, names: { before: string; after: string }, colors: DiffColors = NO_COLORS): string {
  const ops = editScript(lines(before), lines(after));
  if (ops.every((o) => o.kind === ' ')) return '';
  const out = [colors.header(`--- ${names.before}`), colors.header(`+++ ${names.after}`)];
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    // a hunk: changes closer than twice the context share one
    const start = Math.max(0, changed[k]! - CONTEXT);
    let end = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - end <= 2 * CONTEXT) end = changed[++k]!;
    end = Math.min(ops.length - 1, end + CONTEXT);
    k++;
    const hunk = ops.slice(start, end + 1);
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aCount ? hunk.find((o) => o.kind !== '+')!.a + 1 : hunk[0]!.a;
    const bStart = bCount ? hunk.find((o) => o.kind !== '-')!.b + 1 : hunk[0]!.b;
    out.push(colors.hunk(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`));
    for (const o of hunk) out.push(o.kind === '-' ? colors.removed(`-${o.line}`) : o.kind === '+' ? colors.added(`+${o.line}`) : ` ${o.line}`);
  }
  return `${out.join('\n')}\n`;
}
