/** pino JSON logs, or pino-pretty for a terminal; every line about a resource carries `resource`. */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

export function createLogger(opts: { level: string; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const base = { level: opts.level, base: { name: 'ecs-reconciler' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.format === 'pretty') {
    return pino(base, pretty({ sync: true, colorize: false, singleLine: true, destination: (opts.destination ?? process.stdout) as never, ignore: 'pid,hostname,name' }));
  }
  return pino(base, (opts.destination ?? pino.destination({ sync: true })) as never);
}
