import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests run in parallel; integration tests share one
// moto emulator (started by the global setup) and run one file at a time, because
// each file resets the emulator's state before it starts.
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
          fileParallelism: false,
          // the SDK's default credential chain reads these; the emulator accepts any
          env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
