// Starts `ecs-reconciler run` as a real child process (the compiled CLI in dist/, as
// users run it) against the emulator, and reads its JSON log lines as they come.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { emulatorEnv } from './emulator-helpers.js';
import { REPO_ROOT } from './reconcile-helpers.js';

export interface LogLine {
  /** pino's level as a word: "info", "warn", ... */
  level: string;
  msg: string;
  [k: string]: unknown;
}

export class DaemonProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  address = '';
  private waiters: Array<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          continue;
        }
        this.lines.push(line);
        if (typeof line.listen === 'string') this.address = line.listen;
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => this.stderr.push(c));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first log line (past or future) that matches. */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs = 30_000, what = 'a log line'): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; last lines:\n${this.lines
                .slice(-5)
                .map((l) => JSON.stringify(l))
                .join('\n')}\n${this.stderr.join('')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
    });
  }

  /** The next matching line after now. */
  waitForNext(pred: (l: LogLine) => boolean, timeoutMs = 30_000, what = 'a log line'): Promise<LogLine> {
    return this.waitForSince(this.cursor(), pred, timeoutMs, what);
  }

  /**
   * Where the log is now: take it before the change a test then waits on. The daemon may
   * log its answer while the test still awaits the call that made the change (a busy
   * machine, an SQS long poll answering at once), and waitForNext, started after that
   * call, would then miss it.
   */
  cursor(): number {
    return this.lines.length;
  }

  /** The first matching line logged at or after `cursor` (past or future). */
  waitForSince(cursor: number, pred: (l: LogLine) => boolean, timeoutMs = 30_000, what = 'a log line'): Promise<LogLine> {
    return this.waitFor((l) => this.lines.indexOf(l) >= cursor && pred(l), timeoutMs, what);
  }

  async get(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`http://${this.address}${path}`);
    return { status: res.status, text: await res.text() };
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export function startDaemon(dir: string, extra: string[] = []): DaemonProcess {
  const env = emulatorEnv();
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin', 'ecs-reconciler.js'),
      'run',
      dir,
      '--endpoint',
      env.endpoint,
      '--var-file',
      env.envFile,
      '--region',
      env.region,
      '--listen',
      '127.0.0.1:0',
      '--debounce',
      '100ms',
      ...extra,
    ],
    { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', ECS_RECONCILER_RATE_LIMITS: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new DaemonProcess(child);
}

/** Probes until `ok` holds (every `pollMs`), or throws after `timeoutMs` with the last value. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string, pollMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export const isPass = (l: LogLine) => typeof l.passId === 'number' && l.msg.startsWith('pass ');

/** A local webhook endpoint on 127.0.0.1 (--notify-webhook): each posted body is handed to `onBody`, answered 200. */
export async function startWebhookReceiver(onBody: (body: string) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      onBody(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
