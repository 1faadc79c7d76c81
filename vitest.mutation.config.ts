import { defineConfig } from 'vitest/config';

/**
 * The tests a mutation run uses (npm run mutation): those that exercise the security-relevant code
 * Stryker mutates, in-process. CLI tests run the built bundle in child processes, which never see
 * Stryker's active mutant, so they are left out (they would only cost time).
 */
export default defineConfig({
  test: {
    include: [
      'test/engine/authorization-response.test.ts',
      'test/engine/loopback.test.ts',
      'test/app/redirects.test.ts',
      'test/engine/interop-settings.test.ts',
      'test/engine/assertion-caps.test.ts',
      'test/engine/assertion.test.ts',
      'test/app/import-plan.test.ts',
      'test/engine/transcript.test.ts',
      'test/inspector/verify-hostile.test.ts',
      'test/inspector/applicable-checks.test.ts',
    ],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
