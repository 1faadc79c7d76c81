import { randomUUID } from 'node:crypto';
import { decodeJwt, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { createRsaSigningCertificate } from '../../electron/sandbox/pki';
import { mintAssertion } from '../../electron/sandbox/saml';
import { basicAuth, postForm, tokenRequest } from '../support/sandbox-requests';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const basic = () => sandbox.clients['sandbox-basic']!;
const b64url = (xml: string) => Buffer.from(xml, 'utf8').toString('base64url');

async function signWith(jwk: JWK, alg: string, claims: Record<string, unknown>, options: { exp?: string | number; kid?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(await importJWK(jwk, alg));
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  const rs = sandbox.resourceServer;
  return (await postForm(`${sandbox.issuer}/token/introspection`, { token }, { headers: { authorization: basicAuth(rs.client_id, rs.client_secret) } })).json;
}

describe('password grant', () => {
  test('the sandbox user gets an access token (and a refresh token with offline_access)', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: 'password', username: 'alice', password: sandbox.user.password, scope: 'openid email offline_access' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', scope: 'openid email offline_access' });
    expect(res.json.refresh_token).toBeTruthy();
    expect(await introspect(String(res.json.access_token))).toMatchObject({ active: true, sub: 'alice', client_id: 'sandbox-basic' });

    const userinfo = await request(`${sandbox.issuer}/me`, { headers: { authorization: `Bearer ${String(res.json.access_token)}` } });
    expect(await userinfo.body.json()).toMatchObject({ sub: 'alice', email: 'alice@sandbox.test' });

    const refreshed = await tokenRequest(sandbox, basic(), { grant_type: 'refresh_token', refresh_token: String(res.json.refresh_token) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(res.json.refresh_token);
  });

  test('ensure-password-grant-with-wrong-password-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: 'password', username: 'alice', password: 'wrong' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'invalid_grant' });
  });

  test('ensure-password-grant-with-unknown-user-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: 'password', username: 'mallory', password: sandbox.user.password });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-password-grant-without-password-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: 'password', username: 'alice' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
  });

  test('ensure-password-grant-with-unknown-scope-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: 'password', username: 'alice', password: sandbox.user.password, scope: 'admin' });
    expect(res.json.error).toBe('invalid_scope');
  });
});

describe('JWT bearer grant (RFC 7523)', () => {
  test('an assertion from the trusted issuer makes its sub the token subject', async () => {
    const { privateJwk, alg, iss } = sandbox.trustedIssuer;
    const assertion = await signWith(privateJwk, alg, { iss, sub: 'bob', aud: sandbox.issuer, jti: randomUUID() });
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion, scope: 'openid' });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(await introspect(String(res.json.access_token))).toMatchObject({ active: true, sub: 'bob' });
  });

  test('an assertion the client signs itself (iss = client_id) with its registered key, audienced to the token endpoint', async () => {
    const client = sandbox.clients['sandbox-private-key-jwt']!;
    const key = client.signingKeys!.find((k) => k.alg === 'ES256')!;
    const assertion = await signWith(key.privateJwk, 'ES256', { iss: client.client_id, sub: 'carol', aud: `${sandbox.issuer}/token` }, { kid: key.kid });
    const clientAuth = await signWith(key.privateJwk, 'ES256', { iss: client.client_id, sub: client.client_id, aud: sandbox.issuer, jti: randomUUID() }, { kid: key.kid });
    const res = await postForm(`${sandbox.issuer}/token`, {
      grant_type: JWT_BEARER,
      assertion,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAuth,
      resource: 'https://api.sandbox.test',
      scope: 'api:read',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(decodeJwt(String(res.json.access_token))).toMatchObject({ sub: 'carol', aud: 'https://api.sandbox.test', scope: 'api:read' });
  });

  test('ensure-jwt-bearer-assertion-with-bad-signature-fails', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const assertion = await new SignJWT({ sub: 'bob' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(sandbox.trustedIssuer.iss)
      .setAudience(sandbox.issuer)
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
    expect(res.json.error_description).toMatch(/signature/);
  });

  test('ensure-jwt-bearer-assertion-from-untrusted-issuer-fails', async () => {
    const { privateJwk, alg } = sandbox.trustedIssuer;
    const assertion = await signWith(privateJwk, alg, { iss: 'https://stranger.example', sub: 'bob', aud: sandbox.issuer });
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion });
    expect(res.json).toMatchObject({ error: 'invalid_grant' });
    expect(res.json.error_description).toMatch(/not trusted/);
  });

  test('ensure-jwt-bearer-assertion-with-wrong-audience-fails', async () => {
    const { privateJwk, alg, iss } = sandbox.trustedIssuer;
    const assertion = await signWith(privateJwk, alg, { iss, sub: 'bob', aud: 'https://someone-else.example' });
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-expired-jwt-bearer-assertion-fails', async () => {
    const { privateJwk, alg, iss } = sandbox.trustedIssuer;
    const assertion = await signWith(privateJwk, alg, { iss, sub: 'bob', aud: sandbox.issuer }, { exp: Math.floor(Date.now() / 1000) - 600 });
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-jwt-bearer-assertion-without-sub-fails', async () => {
    const { privateJwk, alg, iss } = sandbox.trustedIssuer;
    const assertion = await signWith(privateJwk, alg, { iss, aud: sandbox.issuer });
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-jwt-bearer-assertion-replay-fails', async () => {
    const { privateJwk, alg, iss } = sandbox.trustedIssuer;
    const assertion = await signWith(privateJwk, alg, { iss, sub: 'bob', aud: sandbox.issuer, jti: randomUUID() });
    expect((await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion })).status).toBe(200);
    const replay = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion });
    expect(replay.json.error).toBe('invalid_grant');
  });

  test('ensure-non-jwt-assertion-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: JWT_BEARER, assertion: 'not-a-jwt' });
    expect(res.json.error).toBe('invalid_grant');
  });
});

describe('SAML 2.0 bearer grant (RFC 7522)', () => {
  test('a minted assertion is accepted and its NameID becomes the subject', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave@example.org' });
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml), scope: 'openid' });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(await introspect(String(res.json.access_token))).toMatchObject({ active: true, sub: 'dave@example.org' });
  });

  test('ensure-expired-saml-assertion-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave', notBefore: new Date(Date.now() - 3_600_000), notOnOrAfter: new Date(Date.now() - 600_000) });
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
    expect(res.json.error_description).toMatch(/expired/);
  });

  test('ensure-not-yet-valid-saml-assertion-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave', notBefore: new Date(Date.now() + 600_000), notOnOrAfter: new Date(Date.now() + 1_200_000) });
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error_description).toMatch(/not yet valid/);
  });

  test('ensure-saml-assertion-with-wrong-audience-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave', audience: 'https://other-sp.example' });
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error_description).toMatch(/audience/);
  });

  test('ensure-saml-assertion-from-another-issuer-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave', issuer: 'https://other-idp.example' });
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error_description).toMatch(/issuer/);
  });

  test('ensure-saml-assertion-signed-by-another-key-fails', async () => {
    const impostor = await createRsaSigningCertificate('CN=Impostor IdP');
    const xml = mintAssertion(
      { entityId: sandbox.saml.issuer, certPem: impostor.certPem, keyPem: impostor.keyPem },
      { subject: 'dave', audience: sandbox.issuer, issuer: sandbox.saml.issuer, notBefore: new Date(Date.now() - 60_000), notOnOrAfter: new Date(Date.now() + 300_000) },
    );
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error).toBe('invalid_grant');
    expect(res.json.error_description).toMatch(/signature/);
  });

  test('ensure-tampered-saml-assertion-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave' }).replace('>dave<', '>root<');
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-unsigned-saml-assertion-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave' }).replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error_description).toMatch(/signature/);
  });

  test('ensure-saml-assertion-with-doctype-fails', async () => {
    const xml = `<!DOCTYPE x [<!ENTITY e "boom">]>${sandbox.mintSamlAssertion({ subject: 'dave' })}`;
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(xml) });
    expect(res.json.error_description).toMatch(/DTD/);
  });

  test('ensure-saml-assertion-in-padded-standard-base64-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'dave' });
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: Buffer.from(`${xml} `).toString('base64') });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-saml-signature-wrapping-cannot-substitute-the-subject', async () => {
    // The signed assertion for "dave" is tucked inside an attacker's assertion that claims "root", reusing its ID.
    const signed = sandbox.mintSamlAssertion({ subject: 'dave' });
    const id = /ID="([^"]+)"/.exec(signed)![1]!;
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
    const original = signed.replace(signature, '');
    const later = new Date(Date.now() + 300_000).toISOString();
    const evil =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}">` +
      `<saml:Issuer>${sandbox.saml.issuer}</saml:Issuer>${signature}` +
      `<saml:Subject><saml:NameID>root</saml:NameID></saml:Subject>` +
      `<saml:Conditions NotOnOrAfter="${later}"><saml:AudienceRestriction><saml:Audience>${sandbox.issuer}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:Advice>${original}</saml:Advice></saml:Assertion>`;
    const res = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion: b64url(evil) });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-saml-assertion-replay-fails', async () => {
    const assertion = b64url(sandbox.mintSamlAssertion({ subject: 'dave' }));
    expect((await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion })).status).toBe(200);
    const replay = await tokenRequest(sandbox, basic(), { grant_type: SAML2_BEARER, assertion });
    expect(replay.json.error_description).toMatch(/already been used/);
  });
});

describe('token exchange (RFC 8693)', () => {
  async function aliceToken(): Promise<string> {
    const res = await tokenRequest(sandbox, basic(), { grant_type: 'password', username: 'alice', password: sandbox.user.password, scope: 'openid' });
    return String(res.json.access_token);
  }

  test('an access token from this sandbox is exchanged for a new one for the same subject', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-post']!, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: await aliceToken(),
      subject_token_type: ACCESS_TOKEN_TYPE,
      resource: 'https://api.sandbox.test',
      scope: 'api:write',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', scope: 'api:write' });
    expect(decodeJwt(String(res.json.access_token))).toMatchObject({ sub: 'alice', aud: 'https://api.sandbox.test', client_id: 'sandbox-post' });
  });

  test('a trusted-issuer JWT subject and an actor token produce an act claim', async () => {
    const { privateJwk, alg, iss } = sandbox.trustedIssuer;
    const subjectToken = await signWith(privateJwk, alg, { iss, sub: 'erin' });
    const actorToken = (await tokenRequest(sandbox, basic(), { grant_type: 'client_credentials' })).json.access_token as string;
    const res = await tokenRequest(sandbox, basic(), {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subjectToken,
      subject_token_type: JWT_TYPE,
      actor_token: actorToken,
      actor_token_type: ACCESS_TOKEN_TYPE,
      audience: 'https://api.sandbox.test',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(decodeJwt(String(res.json.access_token))).toMatchObject({ sub: 'erin', act: { sub: 'sandbox-basic' } });
  });

  test('ensure-token-exchange-with-forged-access-token-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: TOKEN_EXCHANGE, subject_token: 'forged-token-value-not-issued-here', subject_token_type: ACCESS_TOKEN_TYPE });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-token-exchange-with-forged-jwt-fails', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'ES256' }).setIssuer(sandbox.trustedIssuer.iss).setExpirationTime('5m').sign(privateKey);
    const res = await tokenRequest(sandbox, basic(), { grant_type: TOKEN_EXCHANGE, subject_token: forged, subject_token_type: JWT_TYPE });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-token-exchange-with-revoked-subject-token-fails', async () => {
    const token = await aliceToken();
    await postForm(`${sandbox.issuer}/token/revocation`, { token }, { headers: { authorization: basicAuth(basic().client_id, basic().client_secret!) } });
    const res = await tokenRequest(sandbox, basic(), { grant_type: TOKEN_EXCHANGE, subject_token: token, subject_token_type: ACCESS_TOKEN_TYPE });
    expect(res.json.error).toBe('invalid_grant');
  });

  test('ensure-token-exchange-without-subject-token-type-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), { grant_type: TOKEN_EXCHANGE, subject_token: await aliceToken() });
    expect(res.json.error).toBe('invalid_request');
  });

  test('ensure-token-exchange-with-unsupported-requested-type-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), {
      grant_type: TOKEN_EXCHANGE,
      subject_token: await aliceToken(),
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: 'urn:ietf:params:oauth:token-type:saml2',
    });
    expect(res.json.error).toBe('invalid_request');
  });

  test('ensure-token-exchange-with-unknown-audience-fails', async () => {
    const res = await tokenRequest(sandbox, basic(), {
      grant_type: TOKEN_EXCHANGE,
      subject_token: await aliceToken(),
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: 'https://unknown.example',
    });
    expect(res.json.error).toBe('invalid_target');
  });
});
