/**
 * Turns file changes under the manifests folder into reconcile requests: a chokidar
 * watch (ignoring .git and editors' temporary files), debounced so that a burst of
 * writes (a git pull) is one request. A git-sync sidecar swaps the checkout by moving
 * a symlink; chokidar does not see the link's target change, so the folder's real path
 * is checked too, and a new target restarts the watch.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';

const EDITOR_TEMP = [/\.sw[a-p]$/, /~$/, /(^|\/)\.#/, /(^|\/)4913$/, /\.tmp$/, /\.part$/, /(^|\/)#.*#$/];

function isIgnoredPath(p: string): boolean {
  const parts = p.split(path.sep);
  if (parts.some((s) => s === '.git' || s === 'node_modules')) return true;
  return EDITOR_TEMP.some((re) => re.test(p));
}

export interface ManifestWatcherOptions {
  dir: string;
  debounceMs: number;
  onChange: (reason: string) => void;
  onError: (err: unknown) => void;
  /** how often the folder's real path is checked for a swapped symlink */
  linkCheckMs?: number;
}

export class ManifestWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private linkTimer: NodeJS.Timeout | undefined;
  private currentTarget: string | undefined;
  private changed = new Set<string>();

  constructor(private readonly opts: ManifestWatcherOptions) {}

  async start(): Promise<void> {
    this.currentTarget = await realpath(this.opts.dir).catch(() => undefined);
    this.startWatcher();
    this.linkTimer = setInterval(() => void this.checkLink(), this.opts.linkCheckMs ?? 1000);
    this.linkTimer.unref();
  }

  private startWatcher(): void {
    const target = this.currentTarget ?? this.opts.dir;
    this.watcher = chokidar.watch(target, {
      ignoreInitial: true,
      followSymlinks: true,
      ignored: (p: string) => isIgnoredPath(path.relative(target, p)),
    });
    this.watcher.on('all', (event, file) => this.schedule(`${event} ${path.relative(target, file) || '.'}`));
    this.watcher.on('error', (err) => this.opts.onError(err));
  }

  private async checkLink(): Promise<void> {
    const now = await realpath(this.opts.dir).catch(() => undefined);
    if (now === this.currentTarget) return;
    this.currentTarget = now;
    await this.watcher?.close();
    this.startWatcher();
    this.schedule(now ? `manifests folder now points at ${now}` : 'manifests folder disappeared');
  }

  private schedule(what: string): void {
    this.changed.add(what);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const list = [...this.changed];
      this.changed.clear();
      this.timer = undefined;
      this.opts.onChange(list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', '));
    }, this.opts.debounceMs);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.linkTimer) clearInterval(this.linkTimer);
    await this.watcher?.close();
  }
}
