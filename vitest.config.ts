import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests run in parallel; integration test files run in
// ECS_TEST_WORKERS parallel workers (default 2), each worker with a moto emulator of its
// own (started by the global setup), because each file resets its emulator's state
// before it starts. The integration group runs after the unit group (its own
// sequence.groupOrder, as vitest needs for projects with different maxWorkers).
const INTEGRATION_WORKERS = Number(process.env.ECS_TEST_WORKERS ?? 2);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/reset-emulator.ts'],
          maxWorkers: INTEGRATION_WORKERS,
          sequence: { groupOrder: 1 },
          // the SDK's default credential chain reads these; the emulator accepts any
          env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
          // two workers (and their emulators) share the cores: a test's wall time can double
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
