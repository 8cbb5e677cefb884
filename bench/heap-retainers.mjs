// Where a heap snapshot's memory is held (issue 19, the daemon's peak RSS): the retained
// size of every object (the dominator tree of the snapshot's graph, weak edges left out,
// Cooper, Harvey and Kennedy's iterative algorithm), then the largest retainers printed
// with the path that holds them (the dominators from the root down, by edge name), so
// "EstateReconciler.lastLive" or "DiffCache.entries" reads as what it is.
//   node --max-old-space-size=8000 bench/heap-retainers.mjs FILE.heapsnapshot [--top 40] [--min-mb 1] [--group NAME [--depth 5]]
// (a snapshot from `node --heapsnapshot-signal=SIGUSR2 bin/ecs-reconciler.js run ...` and `kill -USR2 PID`)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '40' },
    'min-mb': { type: 'string', default: '1' },
    group: { type: 'string' },
    depth: { type: 'string', default: '5' },
  },
});
const snap = JSON.parse(readFileSync(positionals[0], 'utf8'));
const { node_fields: nf, edge_fields: ef, node_types: nt, edge_types: et } = snap.snapshot.meta;
const NF = nf.length;
const EF = ef.length;
const nodes = snap.nodes;
const edges = snap.edges;
const strings = snap.strings;
const N = nodes.length / NF;
const iType = nf.indexOf('type');
const iName = nf.indexOf('name');
const iSize = nf.indexOf('self_size');
const iEdges = nf.indexOf('edge_count');
const eType = ef.indexOf('type');
const eName = ef.indexOf('name_or_index');
const eTo = ef.indexOf('to_node');
const nodeTypes = nt[iType];
const edgeTypes = et[eType];
const WEAK = edgeTypes.indexOf('weak');
const SHORTCUT = edgeTypes.indexOf('shortcut');
const ELEMENT = edgeTypes.indexOf('element');
const HIDDEN = edgeTypes.indexOf('hidden');

const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += nodes[i * NF + iEdges] * EF;
  firstEdge[i + 1] = e;
}
const skip = (t) => t === WEAK || t === SHORTCUT;

// reverse postorder from the root (node 0), iterative DFS
const order = new Int32Array(N).fill(-1);
const rpo = new Uint32Array(N);
let count = 0;
{
  const stack = new Uint32Array(N);
  const cursor = new Uint32Array(N);
  const seen = new Uint8Array(N);
  let sp = 0;
  stack[sp++] = 0;
  seen[0] = 1;
  cursor[0] = firstEdge[0];
  const post = [];
  while (sp) {
    const v = stack[sp - 1];
    let pushed = false;
    while (cursor[v] < firstEdge[v + 1]) {
      const e = cursor[v];
      cursor[v] += EF;
      if (skip(edges[e + eType])) continue;
      const w = edges[e + eTo] / NF;
      if (!seen[w]) {
        seen[w] = 1;
        cursor[w] = firstEdge[w];
        stack[sp++] = w;
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      post.push(v);
      sp--;
    }
  }
  count = post.length;
  for (let i = 0; i < count; i++) {
    rpo[i] = post[count - 1 - i];
    order[rpo[i]] = i;
  }
}
// predecessors (reachable ones only)
const predCount = new Uint32Array(N + 1);
for (let v = 0; v < N; v++) {
  if (order[v] < 0) continue;
  for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF) if (!skip(edges[e + eType])) predCount[edges[e + eTo] / NF + 1]++;
}
for (let i = 0; i < N; i++) predCount[i + 1] += predCount[i];
const preds = new Uint32Array(predCount[N]);
const fill = predCount.slice(0, N);
for (let v = 0; v < N; v++) {
  if (order[v] < 0) continue;
  for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF) if (!skip(edges[e + eType])) preds[fill[edges[e + eTo] / NF]++] = v;
}
// dominators by reverse-postorder numbers
const idom = new Int32Array(N).fill(-1);
idom[0] = 0;
const intersect = (a, b) => {
  while (a !== b) {
    while (order[a] > order[b]) a = idom[a];
    while (order[b] > order[a]) b = idom[b];
  }
  return a;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let i = 1; i < count; i++) {
    const v = rpo[i];
    let d = -1;
    for (let p = predCount[v]; p < predCount[v + 1]; p++) {
      const u = preds[p];
      if (idom[u] < 0) continue;
      d = d < 0 ? u : intersect(u, d);
    }
    if (d >= 0 && idom[v] !== d) {
      idom[v] = d;
      changed = true;
    }
  }
}
const retained = new Float64Array(N);
for (let i = count - 1; i > 0; i--) {
  const v = rpo[i];
  retained[v] += nodes[v * NF + iSize];
  retained[idom[v]] += retained[v];
}
retained[0] += nodes[iSize];

const nameOf = (v) => {
  const type = nodeTypes[nodes[v * NF + iType]];
  const name = strings[nodes[v * NF + iName]];
  return type === 'object' || type === 'closure' ? `${name}` : `(${type}) ${String(name).slice(0, 40)}`;
};
/** the name of the edge from the dominator's side: the first edge into v from a node v's dominator dominates */
function edgeInto(v) {
  const d = idom[v];
  for (let e = firstEdge[d]; e < firstEdge[d + 1]; e += EF)
    if (edges[e + eTo] / NF === v) {
      const t = edges[e + eType];
      return t === ELEMENT || t === HIDDEN ? `[${edges[e + eName]}]` : `.${strings[edges[e + eName]]}`;
    }
  for (let p = predCount[v]; p < predCount[v + 1]; p++) {
    const u = preds[p];
    for (let e = firstEdge[u]; e < firstEdge[u + 1]; e += EF)
      if (edges[e + eTo] / NF === v) {
        const t = edges[e + eType];
        return `<${nameOf(u)}>${t === ELEMENT || t === HIDDEN ? `[${edges[e + eName]}]` : `.${strings[edges[e + eName]]}`}`;
      }
  }
  return '';
}
function pathOf(v) {
  const parts = [];
  for (let x = v; x !== 0 && parts.length < 12; x = idom[x]) parts.push(`${nameOf(x)}${edgeInto(x)}`);
  return parts.reverse().join(' ← ').slice(0, 400);
}

const mb = (b) => (b / 2 ** 20).toFixed(1);
let total = 0;
for (let v = 0; v < N; v++) total += nodes[v * NF + iSize];
console.log(`${N} nodes, ${mb(total)} MB self size in all, ${mb(retained[0])} MB reachable from the root`);
// the largest retainers that are not just a part of a larger one of the same size
const minBytes = Number(args['min-mb']) * 2 ** 20;
const candidates = [];
for (let v = 1; v < N; v++) if (order[v] >= 0 && retained[v] >= minBytes) candidates.push(v);
candidates.sort((a, b) => retained[b] - retained[a]);
const shown = [];
for (const v of candidates) {
  // skip a node whose dominator already shown holds nearly all of it (a chain of wrappers)
  const d = idom[v];
  if (shown.includes(d) && retained[v] > 0.9 * retained[d]) {
    shown[shown.indexOf(d)] = v;
    continue;
  }
  shown.push(v);
  if (shown.length >= Number(args.top)) break;
}
for (const v of shown.sort((a, b) => retained[b] - retained[a])) console.log(`${mb(retained[v]).padStart(8)} MB  ${nameOf(v)}  ${pathOf(v)}`);
// self size by constructor / type: what the memory is made of
const byName = new Map();
for (let v = 0; v < N; v++) {
  if (order[v] < 0) continue;
  const k = nameOf(v).startsWith('(string)') ? '(string)' : nameOf(v).startsWith('(concatenated string)') ? '(concatenated string)' : nameOf(v).slice(0, 60);
  byName.set(k, (byName.get(k) ?? 0) + nodes[v * NF + iSize]);
}
// what each of the largest retainers holds directly: its dominated children, largest first
console.log('\nthe largest children (dominated) of each of the first 8:');
const children = new Map();
for (let v = 1; v < N; v++) if (order[v] >= 0 && retained[v] >= minBytes / 8) children.set(idom[v], [...(children.get(idom[v]) ?? []), v]);
for (const v of shown.slice(0, 8)) {
  console.log(`${mb(retained[v]).padStart(8)} MB  ${nameOf(v)}${edgeInto(v)}`);
  for (const c of (children.get(v) ?? []).sort((a, b) => retained[b] - retained[a]).slice(0, 8))
    console.log(`${mb(retained[c]).padStart(14)} MB  ${nameOf(c)}${edgeInto(c)}`);
}
console.log('\nself size by constructor or type:');
for (const [k, b] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${mb(b).padStart(8)} MB  ${k}`);

// the dominator tree from the root, every node of at least --min-mb, to depth 7
console.log('\nthe dominator tree (nodes of at least --min-mb):');
const allChildren = new Map();
for (let v = 1; v < N; v++) if (order[v] >= 0 && retained[v] >= minBytes) allChildren.set(idom[v], [...(allChildren.get(idom[v]) ?? []), v]);
(function walk(v, depth) {
  if (depth > 7) return;
  for (const c of (allChildren.get(v) ?? []).sort((a, b) => retained[b] - retained[a])) {
    console.log(`${'  '.repeat(depth)}${mb(retained[c])} MB  ${nameOf(c)}${edgeInto(c)}`.slice(0, 220));
    walk(c, depth + 1);
  }
})(0, 0);

// what the root holds directly in small pieces (strings in the string table, handles): by type and name
const synthetic = (v) => v === 0 || nodeTypes[nodes[v * NF + iType]] === 'synthetic';
const loose = new Map();
for (let v = 1; v < N; v++) {
  if (order[v] < 0 || synthetic(v) || !synthetic(idom[v])) continue;
  const name = nameOf(v);
  const k =
    name.startsWith('(string)') || name.startsWith('(concatenated') || name.startsWith('(sliced') ? name.slice(0, name.indexOf(')') + 1) : name.slice(0, 60);
  const via = nameOf(idom[v]).slice(0, 40);
  const key = `${k}  via ${via}`;
  loose.set(key, (loose.get(key) ?? 0) + retained[v]);
}
console.log('\nheld straight from a GC root, by type and root:');
for (const [k, b] of [...loose].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${mb(b).padStart(8)} MB  ${k}`);

// --group "DiffCache.diffCache" [--depth 5]: what one retainer is made of, by the path of
// edge names inside it (indices and Map slots folded into []): every node it dominates,
// its self size summed under each prefix of that path, so "[].diff.target" reads as the
// retained size of all the cached diffs' targets together.
if (args.group) {
  const depth = Number(args.depth);
  const target =
    shown.find((v) => `${nameOf(v)}${edgeInto(v)}`.includes(args.group)) ?? candidates.find((v) => `${nameOf(v)}${edgeInto(v)}`.includes(args.group));
  if (target === undefined) console.log(`\n--group ${args.group}: no retainer of at least --min-mb by that name`);
  else {
    const kids = new Map();
    for (let v = 1; v < N; v++) {
      if (order[v] < 0) continue;
      const list = kids.get(idom[v]);
      if (list) list.push(v);
      else kids.set(idom[v], [v]);
    }
    const byPath = new Map();
    const stack = [[target, '']];
    while (stack.length) {
      const [v, path] = stack.pop();
      const parts = path ? path.split(' ') : [];
      for (let k = 0; k <= Math.min(parts.length, depth); k++) {
        const key = parts.slice(0, k).join(' ');
        byPath.set(key, (byPath.get(key) ?? 0) + nodes[v * NF + iSize]);
      }
      const own = kids.get(v) ?? [];
      if (own.length === 0) continue;
      const names = new Map();
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF) {
        const w = edges[e + eTo] / NF;
        if (names.has(w)) continue;
        const t = edges[e + eType];
        const n = t === ELEMENT || t === HIDDEN ? '[]' : String(strings[edges[e + eName]]);
        names.set(w, /^\d+$/.test(n) ? '[]' : n);
      }
      for (const c of own) stack.push([c, parts.length >= depth ? path : `${path ? `${path} ` : ''}${names.get(c) ?? '?'}`]);
    }
    console.log(`\n${args.group} (${mb(retained[target])} MB) by path inside it, to depth ${depth}:`);
    for (const [k, b] of [...byPath]
      .filter(([, b]) => b >= minBytes / 4)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 60))
      console.log(`${mb(b).padStart(8)} MB  ${k || '(all)'}`);
  }
}
