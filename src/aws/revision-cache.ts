/**
 * The cache of task definition revisions behind the gateway. Revisions are immutable:
 * the body under a full revision ARN never changes. With a file (the daemon's
 * --state-dir, kept by the state store), the cache outlives the process: a restarted
 * daemon does not describe a thousand revisions again.
 */

import { emptyRecord } from '../model/own-keys.js';
import { JsonLinesStore } from '../state/json-lines-store.js';
import type { TaskDefinitionWithTags } from './model.js';

/**
 * Bounded (issue 13, 10): a busy account registers revisions all day (CI, every
 * deploy), and an unbounded map grows until the heap cap kills the daemon. The cache
 * keeps the `maxEntries` revisions used most recently (a Map in use order: a hit moves
 * its entry to the end, the first entry goes when the map is full), and the file is
 * rewritten from memory when it has grown to twice that, so the disk stays bounded too.
 * The default holds every revision a 1,000-service estate reads in a pass (each
 * service's deployments and each family's newest revisions) a few times over.
 */
export const DEFAULT_REVISION_CACHE_SIZE = 5000;

function parseEntry(value: unknown): TaskDefinitionWithTags | undefined {
  const e = value as Partial<TaskDefinitionWithTags> | null;
  if (!e || typeof e !== 'object' || typeof e.taskDefinition?.taskDefinitionArn !== 'string' || !e.tags || typeof e.tags !== 'object') return undefined;
  return { taskDefinition: e.taskDefinition, tags: Object.assign(emptyRecord<string>(), e.tags) };
}

export class TaskDefinitionCache {
  private readonly byArn = new Map<string, TaskDefinitionWithTags>();
  private store: JsonLinesStore<TaskDefinitionWithTags> | undefined;

  constructor(readonly maxEntries = DEFAULT_REVISION_CACHE_SIZE) {}

  get(arn: string): TaskDefinitionWithTags | undefined {
    const e = this.byArn.get(arn);
    if (e) {
      this.byArn.delete(arn);
      this.byArn.set(arn, e);
    }
    return e;
  }
  set(entry: TaskDefinitionWithTags): void {
    const arn = entry.taskDefinition.taskDefinitionArn;
    if (!arn) return;
    this.remember(arn, entry);
    this.append(entry);
  }
  /** Tags are the mutable part; keep the cache true after we change them ourselves. */
  updateTags(arn: string, tags: Record<string, string>): void {
    const e = this.byArn.get(arn);
    if (!e) return;
    e.tags = Object.assign(emptyRecord<string>(), tags);
    this.append(e);
  }

  /** Deregistering is the other change a revision sees: its status turns INACTIVE (it is still described). */
  markDeregistered(arn: string): void {
    const e = this.byArn.get(arn);
    if (!e || e.taskDefinition.status === 'INACTIVE') return;
    e.taskDefinition = { ...e.taskDefinition, status: 'INACTIVE' };
    this.append(e);
  }

  private remember(arn: string, entry: TaskDefinitionWithTags): void {
    this.byArn.delete(arn);
    this.byArn.set(arn, entry);
    while (this.byArn.size > this.maxEntries) this.byArn.delete(this.byArn.keys().next().value!);
  }

  /**
   * Reads the revisions a previous process saved (the last line of an ARN wins; a torn
   * or corrupt line is skipped with a warning), then appends to the file.
   */
  persistTo(file: string, opts: { persistable?: (entry: TaskDefinitionWithTags) => boolean; onWarning?: (message: string) => void } = {}): number {
    this.persistable = opts.persistable ?? (() => true);
    // one line per revision read (plus tag updates): rewritten once it holds twice the bound
    this.store = new JsonLinesStore(file, { parse: parseEntry, maxLines: this.maxEntries * 2, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) });
    const { records } = this.store.read();
    for (const e of records) this.remember(e.taskDefinition.taskDefinitionArn!, e);
    // compact at start once it repeats itself, or when it holds revisions no longer
    // persistable (a file written by an older release)
    const persistableCount = [...this.byArn.values()].filter((e) => this.persistable(e)).length;
    if (this.store.lineCount > this.byArn.size * 2 + 100 || persistableCount < this.byArn.size || records.length < this.store.lineCount) this.compact();
    return this.byArn.size;
  }

  /**
   * Revisions holding a value the redactor masks are kept in memory only: the file must
   * not hold a secret in clear, and a masked body would read as drift after a restart
   * (the restarted daemon describes those again, once).
   */
  private persistable: (entry: TaskDefinitionWithTags) => boolean = () => true;

  private kept(): TaskDefinitionWithTags[] {
    return [...this.byArn.values()].filter((e) => this.persistable(e));
  }

  private compact(): void {
    this.store?.rewrite(this.kept());
  }

  private append(entry: TaskDefinitionWithTags): void {
    if (!this.store || !this.persistable(entry)) return;
    this.store.append(entry, () => this.kept());
  }
  get size(): number {
    return this.byArn.size;
  }
}
