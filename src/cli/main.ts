/** The `ecs-reconciler` command: dispatches to one file per command. */
import { packageVersion } from '../model/build-info.js';
import { UsageError } from './flags.js';
import { type CommandIO, processIO } from './io.js';

type Command = (argv: string[], io: CommandIO) => Promise<number>;

// Each command's modules load when it runs: a `plan` in CI (a new process every time,
// issue 19) does not load the daemon's (prom-client, chokidar, the HTTP server, the page).
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: {
    run: async (argv, io) => (await import('./validate.js')).validateCommand(argv, io),
    summary: 'load and check every manifest, no AWS calls (exit 0 valid, 1 invalid)',
  },
  plan: {
    run: async (argv, io) => (await import('./plan.js')).planCommand(argv, io),
    summary: 'diff against live ECS; --target, --show, --out-plan (exit 0 no changes, 2 changes with --detailed-exitcode, 1 error)',
  },
  diff: {
    run: async (argv, io) => (await import('./diff.js')).diffCommand(argv, io),
    summary: 'unified diff of normalized live and desired specs per changed resource (exit 0 none, 1 differences with --exit-code)',
  },
  apply: {
    run: async (argv, io) => (await import('./apply.js')).applyCommand(argv, io),
    summary: 'plan, then converge; --prune, --adopt, --dry-run, --target, --plan FILE, --yes (exit 0 converged, 1 error, 130 Ctrl-C)',
  },
  run: {
    run: async (argv, io) => (await import('./run.js')).runCommand(argv, io),
    summary: 'the daemon: watch + resync + apply (or --mode report), HTTP endpoints; runs until SIGTERM',
  },
  export: {
    run: async (argv, io) => (await import('./export.js')).exportCommand(argv, io),
    summary: 'write manifests for live clusters, services and task definitions (adoption: plan shows conflict, apply --adopt takes over)',
  },
  report: {
    run: async (argv, io) => (await import('./report.js')).reportCommand(argv, io),
    summary: 'print a saved or live report (--from URL|FILE) as text, json, markdown or html',
  },
  schema: {
    run: async (argv, io) => (await import('./schema.js')).schemaCommand(argv, io),
    summary: "print the manifests' JSON Schema (for editors' YAML language server)",
  },
};

const version = packageVersion;

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `ecs-reconciler ${version()}: a GitOps controller for Amazon ECS.

Keeps ECS clusters, task definitions, services and their auto scaling as YAML
manifests in git; diffs them against live ECS, applies the difference, and reports
drift.

Usage: ecs-reconciler COMMAND [flags]

Commands:
${lines.join('\n')}

Run "ecs-reconciler COMMAND --help" for a command's flags and examples.
`;
}

export async function main(argv: string[], io: CommandIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`ecs-reconciler: unknown command "${name}"\n\n${mainHelp()}`);
    return 1;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ecs-reconciler ${name}: ${err.message}\nRun "ecs-reconciler ${name} --help" for usage.\n`);
      return 1;
    }
    throw err;
  }
}
