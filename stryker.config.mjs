// Mutation check of the security-relevant code (npm run mutation; not part of npm test).
// A surviving mutant here is a check no test notices when it breaks: a missing test.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  mutate: [
    // state, RFC 9207 iss, PKCE, the authorization URL
    'electron/engine/authorization.ts',
    // the redirect receivers: state checks, forged responses
    'electron/engine/loopback.ts',
    'electron/app/redirects.ts',
    // Basic credentials encoding and client assertions
    'electron/engine/client-auth.ts',
    'electron/jose/sign.ts',
    // redaction of secrets in transcripts
    'electron/engine/transcript.ts',
    // ID token and JWT claim checks: iss, aud, exp, nonce, at_hash, auth_time
    'electron/jose/claim-checks.ts',
    // import trust (issue 11): planning and applying an import, confirmation of imported keys and claims, assertion caps
    'electron/app/import-plan.ts',
    'electron/app/import-review.ts',
    'shared/import-trust.ts',
    'shared/assertion-limits.ts',
    // the flow's own nonce comparison
    'electron/engine/flow.ts:479-488',
  ],
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  thresholds: { high: 90, low: 80, break: null },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
