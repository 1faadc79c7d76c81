import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HMAC_ALGS, type GrantType } from '../../shared/grants';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { runFlow, type FlowDeps } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { sandboxProfile, sandboxRun, sandboxSigningKey } from './fixtures';

let sandbox: SandboxHandle;
const noBrowser: FlowDeps = {
  openBrowser: async (url) => {
    throw new Error(`no browser in this test, but asked to open ${url}`);
  },
};

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const CONFIDENTIAL = ['sandbox-basic', 'sandbox-post', 'sandbox-secret-jwt', 'sandbox-private-key-jwt', 'sandbox-tls', 'sandbox-self-signed-tls'];

describe('client_credentials with every client-authentication method', () => {
  it.each(CONFIDENTIAL)('%s gets an access token', async (clientId) => {
    const profile = sandboxProfile(sandbox, clientId, 'client_credentials', { scopes: ['api:read'] });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    expect(result.tokens.access_token).toMatch(/\S{20,}/);
    expect(result.tokens.token_type.toLowerCase()).toBe('bearer');
    const tokenCall = result.transcript.find((e) => e.kind === 'http' && e.label === 'token request');
    expect(tokenCall?.kind === 'http' && tokenCall.response?.status).toBe(200);
  });

  it.each(HMAC_ALGS)('client_secret_jwt signs with %s', async (alg) => {
    const profile = sandboxProfile(sandbox, 'sandbox-secret-jwt', 'client_credentials', { clientAuth: { method: 'client_secret_jwt', signingAlg: alg } });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])('private_key_jwt signs with %s', async (alg) => {
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'client_credentials');
    const result = await runFlow(await sandboxRun(sandbox, profile, {}, alg), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
    const request = result.transcript.find((e) => e.kind === 'http' && e.label === 'token request');
    const assertion = new URLSearchParams(request?.kind === 'http' ? request.request.body : '').get('client_assertion') ?? '';
    // Stored with its signature hidden, header and claims intact.
    expect(assertion.split('.')[2]).toBe('[redacted]');
  });

  it('private_key_jwt with the issuer as assertion audience', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'client_credentials', {
      clientAuth: { method: 'private_key_jwt', assertionAudience: 'issuer' },
    });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('uses the mutual-TLS endpoint aliases for tls_client_auth', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-tls', 'client_credentials');
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    expect(result.endpoints.token).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/token$/);
  });

  it('a resource indicator yields a JWT access token for that audience', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials', { resource: [sandbox.resourceServer.resource] });
    const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
    expect(decodeJwt(result.tokens.access_token).aud).toBe(sandbox.resourceServer.resource);
    expect(result.verification?.accessToken?.ok).toBe(true);
    expect(result.verification?.idToken).toBeUndefined();
  });
});

describe('resource owner password grant', () => {
  it('gets tokens for the sandbox user', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-post', 'password', { username: sandbox.user.username, scopes: ['openid', 'offline_access'] });
    const result = await runFlow(await sandboxRun(sandbox, profile, { password: sandbox.user.password }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
    expect(JSON.stringify(result.transcript)).not.toContain(sandbox.user.password);
  });

  it('ensure-password-grant-with-wrong-password-fails', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-post', 'password', { username: sandbox.user.username });
    const err = await runFlow(await sandboxRun(sandbox, profile, { password: 'not-the-password' }), noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });
});

describe('JWT bearer grant (RFC 7523)', () => {
  it('signs an assertion from the profile claims with the client key', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'urn:ietf:params:oauth:grant-type:jwt-bearer', {
      jwtBearerClaims: { sub: 'service-user-7' },
    });
    const client = sandbox.clients['sandbox-private-key-jwt']!;
    const key = await sandboxSigningKey(client, 'ES256');
    const result = await runFlow(await sandboxRun(sandbox, profile, { assertionSigner: key }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('accepts a pasted assertion from the trusted issuer', async () => {
    const { SignJWT, importJWK } = await import('jose');
    const t = sandbox.trustedIssuer;
    const assertion = await new SignJWT({ sub: 'pasted-subject' })
      .setProtectedHeader({ alg: t.alg, kid: t.privateJwk.kid })
      .setIssuer(t.iss)
      .setAudience(sandbox.issuer)
      .setIssuedAt()
      .setExpirationTime('2m')
      .setJti(crypto.randomUUID())
      .sign(await importJWK(t.privateJwk, t.alg));
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const result = await runFlow(await sandboxRun(sandbox, profile, { assertion }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-jwt-bearer-assertion-signed-by-unknown-key-fails', async () => {
    const { generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256');
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const config = await sandboxRun(sandbox, profile, { assertionSigner: { key: privateKey, alg: 'ES256', kid: 'stranger' } });
    const err = await runFlow(config, noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });
});

describe('SAML 2.0 bearer grant (RFC 7522)', () => {
  it('sends the assertion XML base64url-encoded without padding', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'alice' });
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'urn:ietf:params:oauth:grant-type:saml2-bearer');
    const result = await runFlow(await sandboxRun(sandbox, profile, { samlAssertionXml: xml }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-expired-saml-assertion-fails', async () => {
    const xml = sandbox.mintSamlAssertion({ subject: 'alice', notOnOrAfter: new Date(Date.now() - 60_000) });
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'urn:ietf:params:oauth:grant-type:saml2-bearer');
    const err = await runFlow(await sandboxRun(sandbox, profile, { samlAssertionXml: xml }), noBrowser).catch((e: unknown) => e);
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });
});

describe('token exchange (RFC 8693)', () => {
  it('exchanges a user access token from the sandbox', async () => {
    const user = sandboxProfile(sandbox, 'sandbox-basic', 'password', { username: sandbox.user.username });
    const cc = await runFlow(await sandboxRun(sandbox, user, { password: sandbox.user.password }), noBrowser);
    const profile = sandboxProfile(sandbox, 'sandbox-post', 'urn:ietf:params:oauth:grant-type:token-exchange', {
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    });
    const result = await runFlow(await sandboxRun(sandbox, profile, { subjectToken: cc.tokens.access_token }), noBrowser);
    expect(result.tokens.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
  });

  it('ensure-token-exchange-with-forged-subject-token-fails', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-post', 'urn:ietf:params:oauth:grant-type:token-exchange');
    const err = await runFlow(await sandboxRun(sandbox, profile, { subjectToken: 'forged-token-value-1234567890' }), noBrowser).catch((e: unknown) => e);
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });
});

describe('client authentication failures', () => {
  it.each(['sandbox-basic', 'sandbox-post', 'sandbox-secret-jwt'])('ensure-wrong-client-secret-fails (%s)', async (clientId) => {
    const profile = sandboxProfile(sandbox, clientId, 'client_credentials');
    const err = await runFlow(await sandboxRun(sandbox, profile, { clientSecret: 'x'.repeat(90) }), noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_client');
    expect((err as ResponseBodyError).message).toContain('invalid_client');
  });

  it('ensure-private-key-jwt-with-unregistered-key-fails', async () => {
    const { generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256');
    const profile = sandboxProfile(sandbox, 'sandbox-private-key-jwt', 'client_credentials');
    const err = await runFlow(await sandboxRun(sandbox, profile, { signingKey: { key: privateKey, alg: 'ES256', kid: 'unknown' } }), noBrowser).catch((e: unknown) => e);
    expect((err as ResponseBodyError).error).toBe('invalid_client');
  });

  it('ensure-missing-client-secret-is-reported-before-sending', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials');
    const config = await sandboxRun(sandbox, profile);
    delete config.inputs.clientSecret;
    const err = await runFlow(config, noBrowser).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('MISSING_CONFIGURATION');
  });

  it('ensure-tls-client-auth-without-certificate-fails-clearly', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-tls', 'client_credentials');
    const config = await sandboxRun(sandbox, profile);
    config.network = { tls: { ca: sandbox.caPem } };
    const err = await runFlow(config, noBrowser).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('MISSING_CONFIGURATION');
  });
});

describe('TLS trust', () => {
  it('ensure-server-certificate-from-an-unknown-ca-is-refused', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-tls', 'client_credentials');
    const config = await sandboxRun(sandbox, profile);
    config.network = { tls: { ...config.network.tls, ca: undefined } };
    const err = await runFlow(config, noBrowser).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('TLS_ERROR');
  });

  it('skip TLS verification, when explicitly asked, reaches the same server', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-tls', 'client_credentials');
    const config = await sandboxRun(sandbox, profile);
    config.network = { tls: { ...config.network.tls, ca: undefined, insecure: true } };
    expect((await runFlow(config, noBrowser)).tokens.access_token).toBeTruthy();
  });
});

describe('transcript redaction', () => {
  it('never stores the client secret, in any encoding', async () => {
    for (const clientId of ['sandbox-basic', 'sandbox-post', 'sandbox-secret-jwt']) {
      const profile = sandboxProfile(sandbox, clientId, 'client_credentials');
      const result = await runFlow(await sandboxRun(sandbox, profile), noBrowser);
      const stored = JSON.stringify(result.transcript);
      const secret = sandbox.clients[clientId]!.client_secret!;
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(Buffer.from(`${clientId}:${secret}`).toString('base64'));
    }
  });

  it('hides tokens when asked', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials');
    const config = { ...(await sandboxRun(sandbox, profile)), hideTokens: true };
    const result = await runFlow(config, noBrowser);
    expect(JSON.stringify(result.transcript)).not.toContain(result.tokens.access_token);
  });
});

export type { GrantType };
