/**
 * Pure: live secrets never reach an exported file. `secrets` are references
 * (`valueFrom`) and stay as they are; an environment value whose name matches the
 * redaction patterns (report/redact.ts: PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL), a
 * log driver or FireLens option or docker label whose key does, and a command argument
 * `--api-token=VALUE` / `--api-token VALUE`, becomes a `${VAR}` placeholder. The variables are
 * listed (name and where each is used) so the person adopting the estate provides them
 * (`--var-file`), and the real values are kept apart, in memory only, for the export's
 * own round-trip check.
 */

import { isObject } from '../model/json.js';
import type { Json } from '../model/live.js';
import { Redactor } from '../report/redact.js';

export interface Placeholder {
  /** the variable's name, as in `${NAME}` */
  name: string;
  /** where it is used: `TaskDefinition api, container app, environment DB_PASSWORD` */
  usedBy: string[];
}

export interface PlaceholderSet {
  placeholders: Placeholder[];
  /** NAME -> the live value. Never written anywhere; only for the self-check. */
  values: Map<string, string>;
}

/** One sensitive value found in a task definition, before it is named. */
interface Found {
  family: string;
  container: string;
  /** which string map of the container holds it */
  where: 'environment' | 'log option' | 'FireLens option' | 'docker label' | 'command argument';
  key: string;
  value: string;
  /** replaces the value in the spec */
  set: (placeholder: string) => void;
}

/** `DB_PASSWORD`, `db-password`, `1st` -> `DB_PASSWORD`, `DB_PASSWORD`, `_1ST`: a valid `${VAR}` name. */
export function variableName(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter((p) => p !== '')
    .join('_')
    .toUpperCase();
  const name = joined === '' ? 'VALUE' : joined;
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

function unescapeDollar(s: string): string {
  return s.replaceAll('$${', () => '${');
}

/** Finds the sensitive values of the task definitions' specs (normalized, RegisterTaskDefinition shape). */
function findSensitive(family: string, spec: Json, redactor: Redactor): Found[] {
  const out: Found[] = [];
  const containers = Array.isArray(spec.containerDefinitions) ? spec.containerDefinitions : [];
  for (const c of containers) {
    if (!isObject(c)) continue;
    const container = String(c.name ?? '');
    for (const e of Array.isArray(c.environment) ? c.environment : []) {
      if (!isObject(e) || typeof e.name !== 'string' || typeof e.value !== 'string' || e.value === '') continue;
      if (!redactor.isSensitiveName(e.name)) continue;
      out.push({ family, container, where: 'environment', key: e.name, value: unescapeDollar(e.value), set: (p) => (e.value = p) });
    }
    const stringMap = (map: unknown, where: Found['where']) => {
      if (!isObject(map)) return;
      for (const [k, v] of Object.entries(map)) {
        if (typeof v !== 'string' || v === '' || !redactor.isSensitiveName(k)) continue;
        out.push({ family, container, where, key: k, value: unescapeDollar(v), set: (p) => (map[k] = p) });
      }
    };
    if (isObject(c.logConfiguration)) stringMap(c.logConfiguration.options, 'log option');
    if (isObject(c.firelensConfiguration)) stringMap(c.firelensConfiguration.options, 'FireLens option');
    stringMap(c.dockerLabels, 'docker label');
    for (const list of [c.command, c.entryPoint]) if (Array.isArray(list)) out.push(...sensitiveArguments(family, container, list, redactor));
  }
  return out;
}

/**
 * Command arguments that carry a secret-looking value: `--db-password=VALUE` (the value
 * after `=`) and `--api-token VALUE` (the next argument), named as an environment
 * variable would be.
 */
function sensitiveArguments(family: string, container: string, args: unknown[], redactor: Redactor): Found[] {
  const out: Found[] = [];
  args.forEach((arg, i) => {
    if (typeof arg !== 'string') return;
    const inline = /^(-{1,2}[A-Za-z0-9][\w.-]*)=(.+)$/s.exec(arg);
    if (inline && redactor.isSensitiveName(inline[1]!)) {
      out.push({
        family,
        container,
        where: 'command argument',
        key: inline[1]!.replace(/^-+/, ''),
        value: unescapeDollar(inline[2]!),
        set: (p) => (args[i] = `${inline[1]}=${p}`),
      });
      return;
    }
    const next = args[i + 1];
    if (/^-{1,2}[A-Za-z0-9][\w.-]*$/.test(arg) && redactor.isSensitiveName(arg) && typeof next === 'string' && next !== '' && !next.startsWith('-')) {
      out.push({ family, container, where: 'command argument', key: arg.replace(/^-+/, ''), value: unescapeDollar(next), set: (p) => (args[i + 1] = p) });
    }
  });
  return out;
}

const PLACEHOLDER_INFIX: Record<Exclude<Found['where'], 'environment'>, string> = {
  'log option': 'LOG',
  'FireLens option': 'FIRELENS',
  'docker label': 'LABEL',
  'command argument': 'ARG',
};

/**
 * Replaces, in place, every sensitive value of the given task definition specs (their
 * strings already escaped with escapeDollar, src/model/dollar-escape.ts) by a
 * `${VAR}` placeholder. Names: `<FAMILY>_<NAME>` (an environment variable) or
 * `<FAMILY>_<CONTAINER>_LOG_<OPTION>` (a log option); one family's containers holding
 * the same name with different values get the container in the name too. A prefix
 * keeps a placeholder from picking up an unrelated variable of the controller's own
 * environment (`AWS_SECRET_ACCESS_KEY`, say): variables are read from it too.
 */
export function replaceSensitiveValues(specs: ReadonlyArray<{ family: string; spec: Json }>, redactor: Redactor = new Redactor()): PlaceholderSet {
  const found = specs.flatMap(({ family, spec }) => findSensitive(family, spec, redactor));
  const byName = new Map<string, Found[]>();
  const add = (name: string, f: Found) => {
    const list = byName.get(name);
    if (list) list.push(f);
    else byName.set(name, [f]);
  };
  // First choice: family + key; where that name would stand for two values, add the container.
  const first = new Map<string, Found[]>();
  for (const f of found) {
    const name = f.where === 'environment' ? variableName(f.family, f.key) : variableName(f.family, f.container, PLACEHOLDER_INFIX[f.where], f.key);
    const list = first.get(name);
    if (list) list.push(f);
    else first.set(name, [f]);
  }
  for (const [name, list] of first) {
    const distinct = new Set(list.map((f) => f.value));
    if (distinct.size <= 1) for (const f of list) add(name, f);
    else for (const f of list) add(variableName(f.family, f.container, f.key), f);
  }
  const placeholders: Placeholder[] = [];
  const values = new Map<string, string>();
  for (const name of [...byName.keys()].sort()) {
    const list = byName.get(name)!;
    // Still two values under one name (a container listing one variable twice): number them.
    const distinct = [...new Set(list.map((f) => f.value))];
    distinct.forEach((value, i) => {
      const n = distinct.length === 1 ? name : `${name}_${i + 1}`;
      const uses = list.filter((f) => f.value === value);
      for (const f of uses) f.set(`\${${n}}`);
      values.set(n, value);
      placeholders.push({
        name: n,
        usedBy: uses.map((f) => `TaskDefinition ${f.family}, container ${f.container}, ${f.where} ${f.key}`),
      });
    });
  }
  return { placeholders, values };
}
