// Mutation check of the security-relevant code (npm run mutation; not part of npm test).
// A surviving mutant here is a check no test notices when it breaks: a missing test.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  // Line ranges name the functions that hold a check; they follow the code (update them when it moves).
  mutate: [
    // PKCE, then state and RFC 9207 iss in the authorization response
    'electron/engine/authorization.ts:21-40',
    'electron/engine/authorization.ts:76-115',
    // the redirect receivers: a response without the flow's state is ignored
    'electron/engine/loopback.ts:157-175',
    'electron/app/redirects.ts',
    // Basic credentials encoding (RFC 6749 §2.3.1, and the raw setting)
    'electron/engine/client-auth.ts:25-54',
    // (the flow's own nonce comparison, flow.ts checkNonce, is proven by the sandbox test
    // ensure-authorization-code-flow-with-nonce-mismatch-fails, too slow for a mutation run;
    // the inspector's nonce check below is mutated)
    // assertion lifetimes capped whatever the claims say
    'electron/jose/sign.ts:126-140',
    'shared/assertion-limits.ts',
    // import trust: what counts as moving a profile's requests, what must be confirmed
    'shared/import-trust.ts',
    // redaction of secrets in transcripts
    'electron/engine/transcript.ts',
    // ID token and JWT claim checks: iss, aud, azp, exp, nbf, iat, sub, typ, nonce, at_hash, c_hash, auth_time, acr
    'electron/jose/claim-checks.ts',
  ],
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 8_000,
  // Reruns test only the mutants whose code or covering tests changed (the file is kept under reports/).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 90, low: 80, break: null },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
