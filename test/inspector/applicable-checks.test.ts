import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, expect, test } from 'vitest';
import { verifyToken } from '../../electron/inspector/verify';

/** A report shows only the checks that apply to the token's kind, and a check that could not run is never a pass. */
let publicJwk: Record<string, unknown>;
let token: string;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256' };
  token = await new SignJWT({ scope: 'api:read', client_id: 'c' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .setIssuer('https://as.example')
    .setAudience('https://api.example')
    .setSubject('c')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
});

test('a JWT access token is not judged by ID-token claims (azp, nonce, at_hash, c_hash)', async () => {
  const report = await verifyToken(token, { key: publicJwk as never, issuer: 'https://as.example', audience: 'https://api.example', accessToken: true });
  expect(report.checks.map((c) => c.id)).not.toEqual(expect.arrayContaining(['azp']));
  for (const id of ['azp', 'nonce', 'at_hash', 'c_hash']) expect(report.checks.some((c) => c.id === id)).toBe(false);
  expect(report.ok).toBe(true);
  expect(report.unverified).toBeUndefined();
  expect(report.summary).toBe('valid: every applicable check passed');
});

test('ensure-access-token-without-expected-audience-is-not-reported-valid', async () => {
  const report = await verifyToken(token, { key: publicJwk as never, issuer: 'https://as.example', accessToken: true });
  expect(report.checks.find((c) => c.id === 'aud')?.status).toBe('not_checked');
  expect(report.unverified).toEqual(['aud']);
  expect(report.summary).toMatch(/not checked: aud/);
  expect(report.summary).not.toMatch(/^valid/);
});

test('an ID token keeps its own checks', async () => {
  const report = await verifyToken(token, { key: publicJwk as never, issuer: 'https://as.example', clientId: 'https://api.example', idToken: true });
  for (const id of ['azp', 'nonce', 'at_hash', 'c_hash']) expect(report.checks.some((c) => c.id === id)).toBe(true);
});
