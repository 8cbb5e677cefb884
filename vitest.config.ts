import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Three projects, run together in one group of WORKERS workers (default 3 on this
// 2-core machine) so that the CPU-bound unit files fill the time the integration files
// spend waiting on the emulator, a rollout or a daemon's next pass, instead of running
// alone before them:
//  - unit: pure unit tests, in shared workers (isolate: false): each worker imports the
//    source tree and the AWS SDK once, not once a file, which was half their CPU time;
//  - unit-isolated: the unit files that replace a module with vi.mock, which only takes
//    effect in a fresh module graph (isolate: true, one worker process per file);
//  - integration: one moto emulator per worker (started by the global setup; a file
//    talks to its worker's by VITEST_POOL_ID), each file starting from a reset emulator.
// Vitest runs projects of one sequence.groupOrder together and needs them to have the
// same maxWorkers, so WORKERS is every project's count; ECS_TEST_WORKERS changes it.
const WORKERS = Number(process.env.ECS_TEST_WORKERS ?? 3);

/** Unit files that vi.mock a module of the source tree: they need a module graph of their own. */
const MOCKING_UNIT_FILES = ['test/kinds/new-kind.test.ts'];

// Seconds each integration file took in a .ci/run (2 workers, 2 cores), for the order of
// a run without vitest's results cache (a fresh clone); the files not listed took under
// 10 s. A file's own last duration, when the cache has it, wins.
const KNOWN_SECONDS = new Map<string, number>([
  ['test/integration/events-queue.test.ts', 125],
  ['test/integration/crash.test.ts', 79],
  ['test/integration/faults.test.ts', 54],
  ['test/integration/secrets.test.ts', 47],
  ['test/integration/corpus.test.ts', 41],
  ['test/integration/emulator-deployments.test.ts', 25],
  ['test/integration/rollouts.test.ts', 21],
  ['test/integration/lease.test.ts', 21],
  ['test/integration/daemon-edges.test.ts', 17],
  ['test/integration/lease-safety.test.ts', 17],
  ['test/integration/hostile-input.test.ts', 15],
  ['test/integration/fight-guard.test.ts', 13],
  ['test/integration/daemon-prune-refusal.test.ts', 13],
  ['test/integration/daemon.test.ts', 11],
  ['test/integration/report-page.test.ts', 9],
]);
/** Integration files expected to take at least this long start before the unit files. */
const LONG_SECONDS = 10;

/**
 * Longest first (the run ends when its longest file does, so that one must not start
 * last), with the unit files in one block after the long integration files: a shared
 * (isolate: false) worker is reused only for the next file of its own project, and the
 * short integration files fill the end of the run.
 */
class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (spec: TestSpecification): number => {
      const cached = this.ctx.cache.getTestSpecificationResult(spec);
      if (cached && Number.isFinite(cached.duration)) return cached.duration / 1000;
      return KNOWN_SECONDS.get(relative(this.ctx.config.root, spec.moduleId).split('\\').join('/')) ?? 1;
    };
    const longestFirst = (specs: TestSpecification[]): TestSpecification[] =>
      specs
        .map((spec) => ({ spec, s: seconds(spec) }))
        .sort((a, b) => b.s - a.s)
        .map((x) => x.spec);
    const of = (name: string) => files.filter((f) => f.project.name === name);
    const integration = longestFirst(of('integration'));
    const long = integration.filter((spec) => seconds(spec) >= LONG_SECONDS);
    const short = integration.filter((spec) => seconds(spec) < LONG_SECONDS);
    const known = new Set(['integration', 'unit', 'unit-isolated']);
    return [...long, ...longestFirst(of('unit-isolated')), ...longestFirst(of('unit')), ...short, ...files.filter((f) => !known.has(f.project.name))];
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongFirstSequencer },
    // one scratch folder for the run's temporary folders, removed after it (test/scratch-root.ts)
    globalSetup: ['test/scratch-root.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', ...MOCKING_UNIT_FILES],
          isolate: false,
          maxWorkers: WORKERS,
          // the unit files run beside the integration files on a busy machine: a test's
          // wall time can be several times its time alone
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'unit-isolated',
          include: MOCKING_UNIT_FILES,
          maxWorkers: WORKERS,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/reset-emulator.ts'],
          maxWorkers: WORKERS,
          // the SDK's default credential chain reads these; the emulator accepts any
          env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
          // the workers (and their emulators) share the cores: a test's wall time can double
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
