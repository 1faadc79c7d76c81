import { createHash } from 'node:crypto';
import { base64url, exportSPKI } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../electron/engine/http';
import { JwksCache } from '../../electron/inspector/jwks-cache';
import { verifyToken, type VerifyOptions } from '../../electron/inspector/verify';
import { findCheck, type CheckId, type VerificationReport } from '../../shared/token/report';
import { startJwksServer, type JwksServer } from './support/jwks-server';
import { flipSignature, forge, nowSeconds, sign, swapPayload, testKey, type Claims, type TestKey } from './support/tokens';

/**
 * The hostile-token corpus: each case is a token that must be refused for one
 * precise reason, next to its valid twin that must pass. Keys are real,
 * served as a JWKS from 127.0.0.1.
 */

const ISSUER = 'https://issuer.example';
const CLIENT = 'client-1';
const NONCE = 'n-0S6_WzA2Mj';
const SECRET = new TextEncoder().encode('a shared secret of at least 32 bytes');

let rsa: TestKey;
let rsa2: TestKey;
let ec: TestKey;
let stranger: TestKey;
let rsaPem: string;
let server: JwksServer;
let http: HttpClient;

beforeAll(async () => {
  [rsa, rsa2, ec, stranger] = await Promise.all([testKey('RS256', 'rsa-1'), testKey('RS256', 'rsa-2'), testKey('ES256', 'ec-1'), testKey('RS256', 'stranger')]);
  rsaPem = await exportSPKI(rsa.publicKey);
  server = await startJwksServer({ keys: [rsa.publicJwk, ec.publicJwk] });
  http = new HttpClient({ timeoutMs: 10_000 });
});

afterAll(async () => {
  await http?.close();
  await server?.close();
});

const claims = (over: Claims = {}): Claims => {
  const now = nowSeconds();
  return { iss: ISSUER, aud: CLIENT, sub: 'alice', nonce: NONCE, iat: now, exp: now + 600, ...over };
};
const without = (name: string): Claims => {
  const c = claims();
  delete c[name];
  return c;
};
const rs256 = (c: Claims = claims(), header: Record<string, unknown> = {}) => sign({ alg: 'RS256', kid: rsa.kid, ...header }, c, rsa.privateKey);
const options = (over: VerifyOptions = {}): VerifyOptions => ({
  jwksUri: server.url,
  jwksCache: new JwksCache(),
  http,
  issuer: ISSUER,
  clientId: CLIENT,
  nonce: NONCE,
  idToken: true,
  ...over,
});
const hashOf = (value: string) => base64url.encode(createHash('sha256').update(value, 'ascii').digest().subarray(0, 16));

function explain(report: VerificationReport): string {
  return `${report.summary}\n${report.checks.map((c) => `  ${c.id}: ${c.status} — ${c.reason}`).join('\n')}`;
}

function expectValid(report: VerificationReport): void {
  expect(report.ok, explain(report)).toBe(true);
  expect(report.inputError).toBeUndefined();
  expect(report.checks.some((c) => c.status === 'failed')).toBe(false);
}

function expectFailed(report: VerificationReport, id: CheckId, reason: RegExp): void {
  expect(report.ok, explain(report)).toBe(false);
  const c = findCheck(report, id);
  expect(c?.status, explain(report)).toBe('failed');
  expect(c?.reason).toMatch(reason);
}

interface Case {
  name: string;
  check: CheckId;
  reason: RegExp;
  hostile: () => Promise<[string, VerifyOptions?]>;
  twin: () => Promise<[string, VerifyOptions?]>;
}

const cases: Case[] = [
  {
    name: 'ensure-rs256-bad-signature-fails',
    check: 'signature',
    reason: /signature does not match/,
    hostile: async () => [flipSignature(await rs256())],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-rs256-altered-payload-fails',
    check: 'signature',
    reason: /signature does not match/,
    hostile: async () => [swapPayload(await rs256(), claims({ sub: 'mallory' }))],
    twin: async () => [await rs256(claims({ sub: 'mallory' }))],
  },
  {
    name: 'ensure-es256-bad-signature-fails',
    check: 'signature',
    reason: /signature does not match/,
    hostile: async () => [flipSignature(await sign({ alg: 'ES256', kid: ec.kid }, claims(), ec.privateKey))],
    twin: async () => [await sign({ alg: 'ES256', kid: ec.kid }, claims(), ec.privateKey)],
  },
  {
    name: 'ensure-hs256-bad-signature-fails',
    check: 'signature',
    reason: /the shared secret: the signature does not match/,
    hostile: async () => [await sign({ alg: 'HS256' }, claims(), new TextEncoder().encode('another secret, also 32 bytes long')), options({ jwksUri: undefined, secret: SECRET })],
    twin: async () => [await sign({ alg: 'HS256' }, claims(), SECRET), options({ jwksUri: undefined, secret: SECRET })],
  },
  {
    name: 'ensure-alg-none-fails',
    check: 'alg',
    reason: /"alg": "none" declares an unsecured token/,
    hostile: async () => [forge({ alg: 'none', kid: rsa.kid }, claims())],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-alg-NoNe-fails',
    check: 'alg',
    reason: /"alg": "NoNe" declares an unsecured token/,
    hostile: async () => [forge({ alg: 'NoNe' }, claims(), 'c2lnbmF0dXJl')],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-alg-none-with-a-shared-secret-fails',
    check: 'alg',
    reason: /unsecured/,
    hostile: async () => [forge({ alg: 'none' }, claims()), options({ jwksUri: undefined, secret: SECRET })],
    twin: async () => [await sign({ alg: 'HS256' }, claims(), SECRET), options({ jwksUri: undefined, secret: SECRET })],
  },
  {
    name: 'ensure-hs256-signed-with-rsa-public-key-fails',
    check: 'alg',
    reason: /"HS256" is an HMAC algorithm, and an RSA public key can never verify it: .*key-confusion attack/,
    hostile: async () => [await sign({ alg: 'HS256', kid: rsa.kid }, claims(), new TextEncoder().encode(rsaPem))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-hs256-signed-with-rsa-public-key-fails-with-a-pasted-pem',
    check: 'alg',
    reason: /an RSA public key can never verify it/,
    hostile: async () => [await sign({ alg: 'HS256' }, claims(), new TextEncoder().encode(rsaPem)), options({ jwksUri: undefined, key: rsaPem })],
    twin: async () => [await rs256(), options({ jwksUri: undefined, key: rsaPem })],
  },
  {
    name: 'ensure-hs256-with-the-public-key-as-secret-fails',
    check: 'alg',
    reason: /the "secret" is a PEM public key: .*key-confusion attack/,
    hostile: async () => [await sign({ alg: 'HS256' }, claims(), new TextEncoder().encode(rsaPem)), options({ jwksUri: undefined, secret: rsaPem })],
    twin: async () => [await sign({ alg: 'HS256' }, claims(), SECRET), options({ jwksUri: undefined, secret: SECRET })],
  },
  {
    name: 'ensure-es256-token-against-an-rsa-key-fails',
    check: 'alg',
    reason: /"ES256" cannot be verified with an RSA public key, which verifies RS256/,
    hostile: async () => [await sign({ alg: 'ES256', kid: rsa.kid }, claims(), ec.privateKey)],
    twin: async () => [await sign({ alg: 'ES256', kid: ec.kid }, claims(), ec.privateKey)],
  },
  {
    name: 'ensure-alg-outside-the-allowed-list-fails',
    check: 'alg',
    reason: /"RS256" is not among the allowed algorithms \(ES256\)/,
    hostile: async () => [await rs256(), options({ algorithms: ['ES256'] })],
    twin: async () => [await sign({ alg: 'ES256', kid: ec.kid }, claims(), ec.privateKey), options({ algorithms: ['ES256'] })],
  },
  {
    name: 'ensure-wrong-iss-fails',
    check: 'iss',
    reason: /"iss" is "https:\/\/evil.example" but the expected issuer is "https:\/\/issuer.example"/,
    hostile: async () => [await rs256(claims({ iss: 'https://evil.example' }))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-iss-with-a-trailing-slash-fails',
    check: 'iss',
    reason: /differ only by a trailing slash/,
    hostile: async () => [await rs256(claims({ iss: `${ISSUER}/` }))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-missing-iss-fails',
    check: 'iss',
    reason: /no "iss" claim; expected/,
    hostile: async () => [await rs256(without('iss'))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-wrong-aud-fails',
    check: 'aud',
    reason: /does not contain the expected "client-1"/,
    hostile: async () => [await rs256(claims({ aud: 'client-2' }))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-missing-aud-fails',
    check: 'aud',
    reason: /no "aud" claim; expected "client-1"/,
    hostile: async () => [await rs256(without('aud'))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-explicit-audience-is-checked',
    check: 'aud',
    reason: /does not contain the expected "https:\/\/api.example"/,
    hostile: async () => [await rs256(claims({ aud: CLIENT })), options({ idToken: false, nonce: undefined, audience: 'https://api.example', clientId: undefined })],
    twin: async () => [await rs256(claims({ aud: 'https://api.example' })), options({ idToken: false, nonce: undefined, audience: 'https://api.example', clientId: undefined })],
  },
  {
    name: 'ensure-extra-audience-without-azp-fails',
    check: 'azp',
    reason: /2 audiences but no "azp"/,
    hostile: async () => [await rs256(claims({ aud: [CLIENT, 'another-client'] }))],
    twin: async () => [await rs256(claims({ aud: [CLIENT, 'another-client'], azp: CLIENT }))],
  },
  {
    name: 'ensure-azp-of-another-client-fails',
    check: 'azp',
    reason: /"azp" is "another-client", not the client "client-1"/,
    hostile: async () => [await rs256(claims({ aud: [CLIENT, 'another-client'], azp: 'another-client' }))],
    twin: async () => [await rs256(claims({ aud: [CLIENT, 'another-client'], azp: CLIENT }))],
  },
  {
    name: 'ensure-expired-fails',
    check: 'exp',
    reason: /expired 1 hour ago .* beyond the 60 s clock skew/,
    hostile: async () => [await rs256(claims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }))],
    twin: async () => [await rs256(claims({ iat: nowSeconds() - 7200, exp: nowSeconds() + 3600 }))],
  },
  {
    name: 'ensure-expired-within-the-clock-skew-passes-but-not-beyond-a-smaller-skew',
    check: 'exp',
    reason: /beyond the 5 s clock skew/,
    hostile: async () => [await rs256(claims({ exp: nowSeconds() - 30 })), options({ clockSkewSeconds: 5 })],
    twin: async () => [await rs256(claims({ exp: nowSeconds() - 30 }))],
  },
  {
    name: 'ensure-missing-exp-in-an-id-token-fails',
    check: 'exp',
    reason: /an ID token must expire/,
    hostile: async () => [await rs256(without('exp'))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-not-yet-valid-fails',
    check: 'nbf',
    reason: /not valid for another (59 minutes|1 hour) .* beyond the 60 s clock skew/,
    hostile: async () => [await rs256(claims({ nbf: nowSeconds() + 3600 }))],
    twin: async () => [await rs256(claims({ nbf: nowSeconds() }))],
  },
  {
    name: 'ensure-iat-a-week-old-fails',
    check: 'iat',
    reason: /issued 7 days ago, older than the 1 day maximum token age/,
    hostile: async () => [await rs256(claims({ iat: nowSeconds() - 7 * 86_400 }))],
    twin: async () => [await rs256(claims({ iat: nowSeconds() - 3600 }))],
  },
  {
    name: 'ensure-iat-in-the-future-fails',
    check: 'iat',
    reason: /issued (59 minutes|1 hour) in the future, beyond the 60 s clock skew/,
    hostile: async () => [await rs256(claims({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }))],
    twin: async () => [await rs256(claims({ iat: nowSeconds() + 10 }))],
  },
  {
    name: 'ensure-missing-sub-fails',
    check: 'sub',
    reason: /an ID token must have "sub"/,
    hostile: async () => [await rs256(without('sub'))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-wrong-nonce-fails',
    check: 'nonce',
    reason: /"nonce" is "another-nonce", not the "n-0S6_WzA2Mj" sent/,
    hostile: async () => [await rs256(claims({ nonce: 'another-nonce' }))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-missing-nonce-fails',
    check: 'nonce',
    reason: /no "nonce" claim, but the authorization request sent one/,
    hostile: async () => [await rs256(without('nonce'))],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-unknown-crit-fails',
    check: 'crit',
    reason: /unknown critical extension "urn:example:must-understand"/,
    hostile: async () => [await rs256(claims(), { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true })],
    twin: async () => [await rs256(claims(), { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }), options({ understoodCritical: ['urn:example:must-understand'] })],
  },
  {
    name: 'ensure-crit-naming-an-absent-header-fails',
    check: 'crit',
    reason: /"crit" lists "exp" but the header does not contain it/,
    hostile: async () => [forge({ alg: 'RS256', kid: rsa.kid, crit: ['exp'] }, claims(), 'c2ln')],
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-at_hash-of-another-access-token-fails',
    check: 'at_hash',
    reason: /"at_hash" is .* but the access token hashes to/,
    hostile: async () => [await rs256(claims({ at_hash: hashOf('another access token') })), options({ issuedAccessToken: 'the access token' })],
    twin: async () => [await rs256(claims({ at_hash: hashOf('the access token') })), options({ issuedAccessToken: 'the access token' })],
  },
  {
    name: 'ensure-c_hash-of-another-code-fails',
    check: 'c_hash',
    reason: /"c_hash" is .* but the authorization code hashes to/,
    hostile: async () => [await rs256(claims({ c_hash: hashOf('another code') })), options({ authorizationCode: 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk' })],
    twin: async () => [await rs256(claims({ c_hash: hashOf('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk') })), options({ authorizationCode: 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk' })],
  },
  {
    name: 'ensure-embedded-jwk-is-not-trusted',
    check: 'signature',
    reason: /JWKS key #1 \(kid "rsa-1"\): the signature does not match/,
    hostile: async () => [await sign({ alg: 'RS256', jwk: stranger.publicJwk }, claims(), stranger.privateKey)],
    twin: async () => [await sign({ alg: 'RS256', jwk: rsa.publicJwk }, claims(), rsa.privateKey)],
  },
  {
    name: 'ensure-embedded-jwk-is-reported-as-ignored',
    check: 'signature',
    reason: /signature does not match/,
    hostile: async () => {
      const token = await sign({ alg: 'RS256', kid: rsa.kid, jwk: stranger.publicJwk }, claims(), stranger.privateKey);
      const report = await verifyToken(token, options());
      expect(report.warnings).toContain('the header carries "jwk"; ignored — keys come only from the configured source');
      return [token];
    },
    twin: async () => [await rs256()],
  },
  {
    name: 'ensure-access-token-presented-as-id-token-fails',
    check: 'typ',
    reason: /"at\+jwt": this is an access token, not an ID token/,
    hostile: async () => [await rs256(claims(), { typ: 'at+jwt' })],
    twin: async () => [await rs256(claims(), { typ: 'JWT' })],
  },
  {
    name: 'ensure-unknown-kid-fails',
    check: 'signature',
    reason: /no key with kid "stranger" in the JWKS/,
    hostile: async () => [await sign({ alg: 'RS256', kid: stranger.kid }, claims(), stranger.privateKey)],
    twin: async () => [await rs256()],
  },
];

describe('hostile-token corpus against the test JWKS', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const [token, opts] = await c.hostile();
      expectFailed(await verifyToken(token, opts ?? options()), c.check, c.reason);
    });
    it(`${c.name}: valid twin passes`, async () => {
      const [token, opts] = await c.twin();
      expectValid(await verifyToken(token, opts ?? options()));
    });
  }
});

describe('kid selection', () => {
  it('ensure-absent-kid-with-one-key-passes', async () => {
    const report = await verifyToken(await sign({ alg: 'RS256' }, claims(), rsa.privateKey), options({ jwksUri: undefined, jwks: { keys: [rsa.publicJwk] } }));
    expectValid(report);
    expect(findCheck(report, 'signature')?.reason).toMatch(/verified with JWKS key #1 \(kid "rsa-1"\) \(RS256\); the header has no kid and the set has one usable key/);
  });

  it('ensure-absent-kid-with-one-key-and-a-foreign-signature-fails', async () => {
    const report = await verifyToken(await sign({ alg: 'RS256' }, claims(), stranger.privateKey), options({ jwksUri: undefined, jwks: { keys: [rsa.publicJwk] } }));
    expectFailed(report, 'signature', /signature does not match/);
  });

  it('ensure-absent-kid-with-two-keys-tries-each-and-says-which-verified', async () => {
    const report = await verifyToken(await sign({ alg: 'RS256' }, claims(), rsa2.privateKey), options({ jwksUri: undefined, jwks: { keys: [rsa.publicJwk, rsa2.publicJwk] } }));
    expectValid(report);
    expect(findCheck(report, 'signature')?.reason).toMatch(/the header has no kid; tried 2 keys of the set and JWKS key #2 \(kid "rsa-2"\) verified the RS256 signature \(1 did not\)/);
    expect(report.key).toMatchObject({ kid: 'rsa-2', alg: 'RS256', source: 'jwks' });
  });

  it('ensure-absent-kid-with-two-keys-and-a-foreign-signature-fails', async () => {
    const report = await verifyToken(await sign({ alg: 'RS256' }, claims(), stranger.privateKey), options({ jwksUri: undefined, jwks: { keys: [rsa.publicJwk, rsa2.publicJwk] } }));
    expectFailed(report, 'signature', /the header has no kid; none of the 2 candidate keys verified it/);
  });

  it('ensure-encryption-keys-in-the-set-are-not-used-to-verify', async () => {
    const report = await verifyToken(await rs256(), options({ jwksUri: undefined, jwks: { keys: [{ ...rsa.publicJwk, use: 'enc' }] } }));
    expectFailed(report, 'signature', /no key with kid "rsa-1"/);
  });
});

describe('JWKS key rotation and unusable keys', () => {
  it('ensure-key-rotation-refetches-the-jwks-once-then-respects-the-cooldown', async () => {
    const rotating = await startJwksServer({ keys: [rsa.publicJwk] });
    let clock = 1_000_000;
    const cache = new JwksCache({ cooldownMs: 30_000, now: () => clock });
    const opts = options({ jwksUri: rotating.url, jwksCache: cache });
    try {
      expectValid(await verifyToken(await rs256(), opts));
      expect(rotating.requests).toBe(1);

      // The issuer rotates to rsa-2; tokens signed with it name a kid the cache has never seen.
      rotating.set({ keys: [rsa2.publicJwk] });
      clock += 31_000;
      const rotated = await verifyToken(await sign({ alg: 'RS256', kid: rsa2.kid }, claims(), rsa2.privateKey), opts);
      expectValid(rotated);
      expect(rotating.requests).toBe(2);
      expect(rotated.jwks?.refetched).toBe(true);
      expect(findCheck(rotated, 'signature')?.reason).toMatch(/after refetching the JWKS, which did not know kid "rsa-2" \(key rotation\)/);

      // Another unknown kid right away: no third request inside the cooldown.
      const unknown = await verifyToken(await sign({ alg: 'RS256', kid: stranger.kid }, claims(), stranger.privateKey), opts);
      expectFailed(unknown, 'signature', /no key with kid "stranger" in the JWKS \(not refetched: the set was fetched less than 30 s ago\)/);
      expect(rotating.requests).toBe(2);

      // The retired key no longer verifies.
      expectFailed(await verifyToken(await rs256(), opts), 'signature', /no key with kid "rsa-1"/);
    } finally {
      await rotating.close();
    }
  });

  it('ensure-an-unparseable-key-in-the-jwks-is-reported-and-skipped', async () => {
    const broken = { kty: 'RSA', kid: 'broken', use: 'sig', n: '!!not-base64url!!', e: 'AQAB' };
    // Valid base64url, but not a point on P-256.
    const offCurve = { ...ec.publicJwk, kid: 'off-curve', y: ec.publicJwk.x };
    const odd = await startJwksServer({ keys: [broken, { kty: 'XYZ', kid: 'alien' }, 'garbage', offCurve, rsa.publicJwk] });
    try {
      const good = await verifyToken(await rs256(), options({ jwksUri: odd.url }));
      expectValid(good);
      expect(good.jwks?.keyCount).toBe(5);
      expect(good.jwks?.unusableKeys.map((k) => k.kid ?? k.index)).toEqual(['broken', 'alien', 3, 'off-curve']);
      expect(good.jwks?.unusableKeys.map((k) => k.problem)).toEqual([
        '"n" is not base64url',
        'unsupported key type "XYZ"',
        'not a JSON object',
        expect.stringMatching(/^cannot be imported as ES256/),
      ]);

      const bad = await verifyToken(await sign({ alg: 'RS256', kid: 'broken' }, claims(), rsa.privateKey), options({ jwksUri: odd.url }));
      expectFailed(bad, 'signature', /JWKS key #1 \(kid "broken"\) is unusable: "n" is not base64url/);
      const badEc = await verifyToken(await sign({ alg: 'ES256', kid: 'off-curve' }, claims(), ec.privateKey), options({ jwksUri: odd.url }));
      expectFailed(badEc, 'signature', /JWKS key #4 \(kid "off-curve"\) is unusable: cannot be imported as ES256/);
    } finally {
      await odd.close();
    }
  });
});

describe('unusable input', () => {
  it('a malformed token is an input error with the decoder message', async () => {
    const r = await verifyToken('eyJhbGciOiJSUzI1NiJ9.e30', options());
    expect(r.ok).toBe(false);
    expect(r.inputError?.code).toBe('TOKEN_MALFORMED');
    expect(findCheck(r, 'format')?.status).toBe('failed');
  });

  it('an opaque token is an input error pointing at introspection', async () => {
    const r = await verifyToken('2YotnFZFEjr1zCsicMWpAA', options());
    expect(r.inputError?.message).toMatch(/introspection/);
  });

  it('an unreachable JWKS leaves the signature not checked and says why', async () => {
    const r = await verifyToken(await rs256(), options({ jwksUri: 'http://127.0.0.1:9/jwks' }));
    expect(r.ok).toBe(false);
    expect(r.inputError?.code).toBe('CONNECTION_REFUSED');
    expect(findCheck(r, 'signature')).toMatchObject({ status: 'not_checked' });
    expect(findCheck(r, 'iss')?.status).toBe('passed');
  });

  it('no key at all: claims are checked, the signature is not, and the report is not ok', async () => {
    const r = await verifyToken(await rs256(), { issuer: ISSUER, clientId: CLIENT, idToken: true, nonce: NONCE, jwksCache: new JwksCache(), http, ...{} });
    // The issuer is not reachable here: discovery fails, which is an input error.
    expect(r.ok).toBe(false);
    const noKey = await verifyToken(await rs256(), { clientId: CLIENT });
    expect(noKey.ok).toBe(false);
    expect(noKey.inputError).toBeUndefined();
    expect(findCheck(noKey, 'signature')?.reason).toMatch(/no key given/);
    expect(noKey.summary).toMatch(/not verified/);
  });

  it('two key sources at once are refused', async () => {
    const r = await verifyToken(await rs256(), options({ secret: SECRET }));
    expect(r.inputError?.code).toBe('INVALID_INPUT');
    expect(r.inputError?.message).toMatch(/give one key source, not secret and jwksUri/);
  });

  it('a garbage PEM key is KEY_INVALID', async () => {
    const r = await verifyToken(await rs256(), options({ jwksUri: undefined, key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }));
    expect(r.inputError?.code).toBe('KEY_INVALID');
  });
});
