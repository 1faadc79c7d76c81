import { randomUUID } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { discovery, mtlsAgent, postForm, tokenRequest } from '../support/sandbox-requests';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function clientAssertion(clientId: string, key: Parameters<SignJWT['sign']>[0], alg: string, audience = `${sandbox.issuer}/token`, kid?: string): Promise<string> {
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(key);
}

describe('discovery', () => {
  test('lists every grant, auth method, signing alg and the mTLS aliases', async () => {
    const doc = await discovery(sandbox);
    expect(doc.issuer).toBe(sandbox.issuer);
    expect(doc.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'implicit',
        'refresh_token',
        'client_credentials',
        'password',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        'urn:ietf:params:oauth:grant-type:saml2-bearer',
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ]),
    );
    expect(doc.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'none']),
    );
    expect(doc.token_endpoint_auth_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']),
    );
    expect(doc.response_types_supported).toEqual(expect.arrayContaining(['code', 'id_token', 'id_token token']));
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.mtls_endpoint_aliases).toMatchObject({ token_endpoint: `${sandbox.mtlsOrigin}/token` });
    for (const member of ['introspection_endpoint', 'revocation_endpoint', 'userinfo_endpoint', 'device_authorization_endpoint', 'end_session_endpoint', 'jwks_uri']) {
      expect(doc[member], member).toMatch(/^http:\/\/127\.0\.0\.1:/);
    }
  });
});

describe('client_credentials with each client authentication method', () => {
  test('client_secret_basic', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-basic']!, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
  });

  test('client_secret_post', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-post']!, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
  });

  test('ensure-client-secret-basic-with-wrong-secret-fails', async () => {
    const client = { ...sandbox.clients['sandbox-basic']!, client_secret: 'wrong' };
    const res = await tokenRequest(sandbox, client, { grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
  });

  test('ensure-public-client-cannot-use-client-credentials', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, { grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/invalid_request|unauthorized_client/);
  });

  test.each(['HS256', 'HS384', 'HS512'])('client_secret_jwt with %s', async (alg) => {
    const client = sandbox.clients['sandbox-secret-jwt']!;
    const assertion = await clientAssertion(client.client_id, new TextEncoder().encode(client.client_secret), alg);
    const res = await postForm(`${sandbox.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  });

  test('client_secret_jwt assertion audienced to the issuer is accepted too', async () => {
    const client = sandbox.clients['sandbox-secret-jwt']!;
    const assertion = await clientAssertion(client.client_id, new TextEncoder().encode(client.client_secret), 'HS256', sandbox.issuer);
    const res = await postForm(`${sandbox.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
    expect(res.status).toBe(200);
  });

  const privateKeyCases: [string, string][] = [
    ['RS256', 'RS256'],
    ['RS384', 'RS256'],
    ['RS512', 'RS256'],
    ['PS256', 'RS256'],
    ['PS384', 'RS256'],
    ['PS512', 'RS256'],
    ['ES256', 'ES256'],
    ['ES384', 'ES384'],
    ['ES512', 'ES512'],
    ['EdDSA', 'EdDSA'],
  ];
  test.each(privateKeyCases)('private_key_jwt with %s', async (alg, keyFamily) => {
    const client = sandbox.clients['sandbox-private-key-jwt']!;
    const key = client.signingKeys!.find((k) => k.alg === keyFamily)!;
    const assertion = await clientAssertion(client.client_id, await importJWK(key.privateJwk, alg), alg, undefined, key.kid);
    const res = await postForm(`${sandbox.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  });

  test('ensure-private-key-jwt-signed-by-unregistered-key-fails', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const assertion = await clientAssertion('sandbox-private-key-jwt', privateKey, 'ES256');
    const res = await postForm(`${sandbox.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
  });

  test('ensure-client-assertion-replay-fails', async () => {
    const client = sandbox.clients['sandbox-secret-jwt']!;
    const assertion = await clientAssertion(client.client_id, new TextEncoder().encode(client.client_secret), 'HS256');
    const params = { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion };
    expect((await postForm(`${sandbox.issuer}/token`, params)).status).toBe(200);
    const replay = await postForm(`${sandbox.issuer}/token`, params);
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe('invalid_client');
  });

  test('tls_client_auth with the CA-issued client certificate over the mTLS alias', async () => {
    const client = sandbox.clients['sandbox-tls']!;
    const agent = mtlsAgent(sandbox, client.tls);
    try {
      const res = await postForm(`${sandbox.mtlsOrigin}/token`, { grant_type: 'client_credentials', client_id: client.client_id }, { dispatcher: agent });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    } finally {
      await agent.close();
    }
  });

  test('self_signed_tls_client_auth with the registered self-signed certificate', async () => {
    const client = sandbox.clients['sandbox-self-signed-tls']!;
    const agent = mtlsAgent(sandbox, client.tls);
    try {
      const res = await postForm(`${sandbox.mtlsOrigin}/token`, { grant_type: 'client_credentials', client_id: client.client_id }, { dispatcher: agent });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    } finally {
      await agent.close();
    }
  });

  test('ensure-tls-client-auth-without-certificate-fails', async () => {
    const agent = mtlsAgent(sandbox);
    try {
      const res = await postForm(`${sandbox.mtlsOrigin}/token`, { grant_type: 'client_credentials', client_id: 'sandbox-tls' }, { dispatcher: agent });
      expect(res.status).toBe(401);
      expect(res.json.error).toBe('invalid_client');
    } finally {
      await agent.close();
    }
  });

  test('ensure-tls-client-auth-with-self-signed-certificate-fails', async () => {
    // The right subject is not enough: the certificate must chain to the sandbox CA.
    const agent = mtlsAgent(sandbox, sandbox.clients['sandbox-self-signed-tls']!.tls);
    try {
      const res = await postForm(`${sandbox.mtlsOrigin}/token`, { grant_type: 'client_credentials', client_id: 'sandbox-tls' }, { dispatcher: agent });
      expect(res.status).toBe(401);
      expect(res.json.error).toBe('invalid_client');
    } finally {
      await agent.close();
    }
  });

  test('ensure-self-signed-tls-client-auth-with-unregistered-certificate-fails', async () => {
    const agent = mtlsAgent(sandbox, sandbox.clients['sandbox-tls']!.tls);
    try {
      const res = await postForm(`${sandbox.mtlsOrigin}/token`, { grant_type: 'client_credentials', client_id: 'sandbox-self-signed-tls' }, { dispatcher: agent });
      expect(res.status).toBe(401);
      expect(res.json.error).toBe('invalid_client');
    } finally {
      await agent.close();
    }
  });
});

describe('resource indicators', () => {
  test('client_credentials with resource=https://api.sandbox.test yields a JWT access token for that audience', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-basic']!, {
      grant_type: 'client_credentials',
      resource: sandbox.resourceServer.resource,
      scope: 'api:read',
    });
    expect(res.status).toBe(200);
    const claims = decodeJwt(String(res.json.access_token));
    expect(claims).toMatchObject({ aud: 'https://api.sandbox.test', iss: sandbox.issuer, client_id: 'sandbox-basic', scope: 'api:read' });
  });

  test('without a resource the access token is opaque', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-basic']!, { grant_type: 'client_credentials' });
    expect(String(res.json.access_token).split('.')).toHaveLength(1);
  });

  test('ensure-unknown-resource-is-refused', async () => {
    const res = await tokenRequest(sandbox, sandbox.clients['sandbox-basic']!, { grant_type: 'client_credentials', resource: 'https://unknown.example' });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_target');
  });
});

describe('startSandbox options', () => {
  test('clientJwks replaces the generated private_key_jwt keys', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const own = await startSandbox({ clientJwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'mine' }] }, userPassword: 'given-password' });
    try {
      expect(own.clients['sandbox-private-key-jwt']!.signingKeys).toBeUndefined();
      expect(own.user).toEqual({ username: 'alice', password: 'given-password' });
      const assertion = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'mine' })
        .setIssuer('sandbox-private-key-jwt')
        .setSubject('sandbox-private-key-jwt')
        .setAudience(own.issuer)
        .setExpirationTime('1m')
        .sign(privateKey);
      const res = await postForm(`${own.issuer}/token`, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
      expect(res.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  test('fixed ports are used as given, and a taken port is reported without leaking the other listener', async () => {
    const taken = new URL(sandbox.issuer).port;
    await expect(startSandbox({ port: Number(taken) })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('already in use') });
    const mtlsPort = Number(new URL(sandbox.mtlsOrigin).port);
    await expect(startSandbox({ mtlsPort })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('secrets are generated per start and long enough for HS512', async () => {
    const other = await startSandbox();
    try {
      expect(other.clients['sandbox-basic']!.client_secret).not.toBe(sandbox.clients['sandbox-basic']!.client_secret);
      expect(other.user.password).not.toBe(sandbox.user.password);
      expect(Buffer.byteLength(other.clients['sandbox-secret-jwt']!.client_secret!)).toBeGreaterThanOrEqual(64);
    } finally {
      await other.close();
    }
  });
});
