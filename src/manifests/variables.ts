/**
 * `${VAR}` substitution. Variables come from --var (highest), --var-file, then the
 * environment variables that --var-env / --var-env-prefix allow (never the rest). `${VAR:=default}` supplies a default; `$${VAR}` is a literal `${VAR}`.
 */
export type Variables = ReadonlyMap<string, string>;

export interface VarFileProblem {
  line: number;
  message: string;
}

/** Parses `NAME=value` lines (`#` comments, blank lines, optional quotes, optional `export `). */
export function parseVarFile(text: string): { vars: Map<string, string>; problems: VarFileProblem[] } {
  const vars = new Map<string, string>();
  const problems: VarFileProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) {
      problems.push({ line: i + 1, message: `expected NAME=value, got "${line.slice(0, 40)}"` });
      return;
    }
    let value = m[2]!.trim();
    if (value[0] === '"' || value[0] === "'") {
      if (value.length < 2 || value.at(-1) !== value[0]) {
        problems.push({ line: i + 1, message: `${m[1]}: the value opens a ${value[0]} quote that this line does not close` });
        return;
      }
      value = value.slice(1, -1);
    }
    vars.set(m[1]!, value);
  });
  return { vars, problems };
}

/** `K=V` strings from --var. */
export function parseVarFlag(flag: string): [string, string] | undefined {
  const i = flag.indexOf('=');
  if (i <= 0) return undefined;
  const name = flag.slice(0, i);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  return [name, flag.slice(i + 1)];
}

export type Substitution = { ok: true; value: string; changed: boolean } | { ok: false; name: string; offset: number; message: string };

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;

export function substituteVariables(input: string, vars: Variables): Substitution {
  if (!input.includes('${')) return { ok: true, value: input, changed: false };
  let out = '';
  let last = 0;
  for (const m of input.matchAll(REFERENCE)) {
    const at = m.index ?? 0;
    out += input.slice(last, at);
    last = at + m[0].length;
    if (m[0] === '$${') {
      out += '${';
      continue;
    }
    const body = m[1] ?? '';
    const d = body.indexOf(':=');
    const name = d >= 0 ? body.slice(0, d) : body;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return { ok: false, name, offset: at, message: `"\${${body}}" is not a valid variable reference (use \${NAME} or \${NAME:=default})` };
    }
    const value = vars.get(name);
    if (value !== undefined) out += value;
    else if (d >= 0) out += body.slice(d + 2);
    else {
      return {
        ok: false,
        name,
        offset: at,
        message: `undefined variable \${${name}}`,
      };
    }
  }
  const rest = input.slice(last);
  const open = rest.indexOf('${');
  if (open >= 0) {
    return {
      ok: false,
      name: '',
      offset: last + open,
      message: `unterminated variable reference "${rest.slice(open, open + 30)}": close it with "}" (write "$\${" for a literal "\${")`,
    };
  }
  out += rest;
  return { ok: true, value: out, changed: true };
}

/** Merges the three sources; later ones win. */
export function mergeVariables(...sources: Array<Iterable<[string, string]>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sources) for (const [k, v] of s) out.set(k, v);
  return out;
}

/**
 * A string value after substitution: a plain scalar that was one whole reference is read
 * again, so that `desiredCount: ${COUNT}` can be a number and `${FLAG}` a boolean; a
 * quoted one, or a reference inside other text, stays a string.
 */
export function substitutedScalar(written: string, substituted: string, plain: boolean): string | number | boolean {
  if (!plain || !/^\$\{[^}]*\}$/.test(written) || !/^-?\d+(\.\d+)?$|^(true|false)$/.test(substituted)) return substituted;
  return substituted === 'true' ? true : substituted === 'false' ? false : Number(substituted);
}
