import { defineConfig } from 'vitest/config';

// Four projects: unit tests beside the code (pure, in memory), integration tests against real
// nats-server / redis-server / nginx (started by test/global-setup.ts on random loopback ports),
// end-to-end flows, and the fault table (test/faults, its own topology). The custom condition points workspace imports at src/, so no build is needed.
const conditions = ['@repo/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['libs/*/src/**/*.ts', 'services/*/src/**/*.ts'],
      // main.ts and *-main.ts are composition roots (env, signals, process.exit); tests run them as child processes.
      exclude: ['**/*.test.ts', '**/src/main.ts', '**/src/*-main.ts', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 80 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'services/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.e2e.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          sequence: { groupOrder: 0 },
          include: ['libs/*/test/**/*.int.test.ts', 'services/*/test/**/*.int.test.ts', 'test/int/**/*.int.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 0 },
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        // The fault table: a whole topology of its own, timing-sensitive, so it runs alone after
        // the other projects (group 1), one file at a time.
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.faults.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
