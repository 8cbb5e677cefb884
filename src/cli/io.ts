/** What a command writes to: injectable so tests run commands in-process. */
import { createInterface } from 'node:readline/promises';

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** a person at a terminal can answer a question (stdin and stderr are terminals) */
  interactive?: boolean;
  /** standard output is a terminal: colors are welcome (unless NO_COLOR) */
  stdoutIsTerminal?: boolean;
  /** asks a question on the terminal and resolves with the answer line */
  ask?: (question: string) => Promise<string>;
  /** runs handler on Ctrl-C (SIGINT) until the returned function is called */
  onInterrupt?: (handler: () => void) => () => void;
}

let pipeGuarded = false;

/**
 * A reader that stops early (`schema | head -1`) closes the pipe: the next write fails
 * with EPIPE, which is the normal end of a pipeline, not a crash to print a stack for.
 */
function endQuietlyOnBrokenPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw err;
    });
  }
}

export function processIO(): CommandIO {
  endQuietlyOnBrokenPipe();
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    stdoutIsTerminal: Boolean(process.stdout.isTTY),
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    onInterrupt: (handler) => {
      let presses = 0;
      // the first Ctrl-C asks the command to wind down; a second one means now (exit status 130 = 128 + SIGINT)
      const listener = () => {
        presses++;
        if (presses > 1) process.exit(130);
        handler();
      };
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  };
}

/** NO_COLOR (https://no-color.org) wins; otherwise colors only on a terminal. */
export function wantsColor(io: CommandIO): boolean {
  return Boolean(io.stdoutIsTerminal) && !(io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '');
}
