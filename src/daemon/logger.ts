/**
 * pino JSON logs, or readable lines for a terminal; every line about a resource carries
 * `resource`. The JSON is what log pipelines of zap- and slog-based controllers expect:
 * `"level":"info"` (a word, not pino's number), `"time"` in ISO 8601, and an `err`
 * object with the AWS error code and request id.
 */
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { errorDetails } from '../aws/errors.js';

export type LogFormat = 'json' | 'pretty';

/** `err` in any log line: an Error (an AWS one with code and request id) or whatever was thrown. */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const details = errorDetails(err);
  return { type: details.name, ...details, ...(err.stack ? { stack: err.stack } : {}) };
}

/** The pretty line: the message, and what an error adds to it; never the JSON object. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const msg = String(log[messageKey] ?? '');
  const err = log.err as { code?: string; type?: string; message?: string; requestId?: string } | string | undefined;
  if (err && typeof err === 'object') {
    const what = [err.code ?? err.type, err.message].filter(Boolean).join(': ');
    return `${msg} (${what}${err.requestId ? `, request id ${err.requestId}` : ''})`;
  }
  if (typeof err === 'string') return `${msg} (${err})`;
  if (typeof log.error === 'string' && !msg.includes(log.error)) return `${msg}: ${log.error}`;
  return msg;
}

export function createLogger(opts: { level: string; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const base = {
    level: opts.level,
    base: { name: 'ecs-reconciler' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: serializeError },
  };
  if (opts.format === 'pretty') {
    return pino(
      base,
      pretty({
        sync: true,
        colorize: false,
        // one line a record: hideObject drops the JSON tail (the message says what
        // matters); with singleLine too, pino-pretty 13 forgets the line's newline
        hideObject: true,
        messageFormat: prettyMessage,
        destination: (opts.destination ?? process.stdout) as never,
        ignore: 'pid,hostname,name',
      }),
    );
  }
  return pino(base, (opts.destination ?? pino.destination({ sync: true })) as never);
}
