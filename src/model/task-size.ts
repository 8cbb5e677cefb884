// Task-level cpu and memory as RegisterTaskDefinition takes them. [API]
// RegisterTaskDefinitionRequest.cpu: "can be expressed as an integer using CPU units
// (for example, 1024) or as a string using vCPUs (for example, 1 vCPU or 1 vcpu) ...
// When you register a task definition, a unit value is converted to an integer
// indicating the CPU units"; memory likewise in MiB (1024) or GB ("1GB", "1 GB"),
// converted to MiB. DescribeTaskDefinition then returns the whole number as a string.
// One reading for the schema (what a manifest may say) and the diff (what it means),
// so that ".25 vcpu" and "256" can never disagree.

const CPU = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(vcpu)?\s*$/i;
const MEMORY = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(gb)?\s*$/i;

export type TaskSizeKind = 'cpu' | 'memory';

export type TaskSizeReading =
  | { ok: true; units: number }
  /** `syntax`: not a number or a number with the unit; `fraction`: a fraction of CPU units or MiB; `range`: not a whole number > 0 */
  | { ok: false; why: 'syntax' | 'fraction' | 'range' };

/** `.25 vcpu` -> 256 CPU units, `"1 GB"` -> 1024 MiB, `"1024"` / 1024 -> 1024. */
export function readTaskSize(kind: TaskSizeKind, value: number | string): TaskSizeReading {
  let units: number;
  if (typeof value === 'number') units = value;
  else {
    const m = (kind === 'cpu' ? CPU : MEMORY).exec(value);
    if (!m || m[1] === undefined) return { ok: false, why: 'syntax' };
    const n = Number(m[1]);
    if (m[2] === undefined && !Number.isInteger(n)) return { ok: false, why: 'fraction' };
    units = m[2] !== undefined ? n * 1024 : n;
  }
  return Number.isInteger(units) && units > 0 ? { ok: true, units } : { ok: false, why: 'range' };
}

/** The pattern a task size string must match (for the schema's JSON Schema and messages). */
export const TASK_SIZE_PATTERN: Readonly<Record<TaskSizeKind, RegExp>> = { cpu: CPU, memory: MEMORY };
