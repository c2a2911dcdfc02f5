import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Limits for a 2-core machine under load. A test database now opens in well under a second
    // (test/helpers/db-templates.ts); tests that start processes set their own, longer limits
    // (PROCESS_TEST_TIMEOUT), and hooks may start a server, a browser and workerd at once.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Two files at a time even on two cores: most files wait on Postgres, Chromium or a child
    // process for much of their time (vitest's default here would be one).
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/helpers/no-stragglers.ts'],
    // A page that fetches and decrypts before it shows a result can take seconds with both cores
    // busy; expect.poll's default of 1 s made browser tests fail under load, not on behaviour.
    expect: { poll: { timeout: 15_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Pure functions over data: the files share one module graph per worker instead of
          // importing it again for each of ~80 files (issue 23: import time was a third of the
          // unit run). A file that needs a fresh module state does not belong under test/unit.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'service',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/workerd/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'workerd',
          include: ['test/workerd/**/*.test.ts'],
          // One wrangler at a time: instances started from one project share its .wrangler/tmp,
          // and one starting or killed there removed another's bundle mid-run ("Could not
          // resolve …/middleware-loader.entry.ts", then "Your worker restarted mid-request").
          // The other projects' files still run beside them.
          fileParallelism: false,
        },
      },
    ],
  },
})
