import { defineConfig } from 'vitest/config';

/**
 * The tests a mutation run uses (npm run mutation): the in-process unit tests of the security-relevant
 * functions Stryker mutates. Tests that start the sandbox (oidc-provider) for every mutant made a run take
 * hours; those functions have byte-level unit tests here instead, and the sandbox tests in `npm test` prove
 * the same checks against a real server. CLI tests run the built bundle in child processes, which never see
 * Stryker's active mutant, so they are left out too.
 */
export default defineConfig({
  test: {
    include: [
      'test/engine/authorization-response.test.ts',
      'test/engine/loopback.test.ts',
      'test/app/redirects.test.ts',
      'test/engine/client-auth.test.ts',
      'test/jose/assertion-payload.test.ts',
      'test/app/import-plan.test.ts',
      'test/shared/import-trust.test.ts',
      'test/engine/transcript.test.ts',
      'test/engine/transcript-redaction.test.ts',
      'test/inspector/verify-hostile.test.ts',
      'test/inspector/applicable-checks.test.ts',
      'test/jose/claim-checks.test.ts',
      'test/jose/requested-authentication.test.ts',
    ],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
