import { defineConfig } from 'vitest/config';

/**
 * The tests a mutation run uses (npm run mutation): those that exercise the security-relevant code
 * Stryker mutates, in-process. CLI tests run the built bundle in child processes, which never see
 * Stryker's active mutant, so they are left out (they would only cost time).
 */
export default defineConfig({
  test: {
    include: [
      'test/engine/**/*.test.ts',
      'test/inspector/**/*.test.ts',
      'test/app/redirects.test.ts',
      'test/app/import-trust*.test.ts',
      'test/app/import-plan.test.ts',
      'test/sandbox/client-authentication.test.ts',
      'test/sandbox/authorization-code.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
