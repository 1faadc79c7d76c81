import { createHash, randomBytes } from 'node:crypto';
import { base64url, exportSPKI, importJWK, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientSecretBasic, type ClientAuthContext } from '../../electron/engine/client-auth';
import { discover, type AuthorizationServerMetadata } from '../../electron/engine/discovery';
import { HttpClient } from '../../electron/engine/http';
import { buildTokenRequest, processTokenResponse, type TokenResponse } from '../../electron/engine/token-endpoint';
import { JwksCache } from '../../electron/inspector/jwks-cache';
import { buildLogoutUrl } from '../../electron/inspector/logout';
import {
  fetchUserinfo,
  introspect,
  introspectionRequest,
  processIntrospectionResponse,
  processRevocationResponse,
  processUserinfoResponse,
  revocationRequest,
  revoke,
  userinfoRequest,
} from '../../electron/inspector/server-checks';
import { verifyToken } from '../../electron/inspector/verify';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { decodeToken } from '../../shared/token/decode';
import { findCheck } from '../../shared/token/report';
import { authorizeAsUser } from '../support/scripted-user';
import { flipSignature, forge, sign, swapPayload } from './support/tokens';

/**
 * Introspection, revocation, userinfo, logout and ID-token verification
 * against the real sandbox authorization server. Tokens are obtained with
 * plain buildTokenRequest + HttpClient.
 */

const RESOURCE = 'https://api.sandbox.test';

let sandbox: SandboxHandle;
let http: HttpClient;
let metadata: AuthorizationServerMetadata;
let basicCtx: (endpoint: string) => ClientAuthContext;
let basicAuth: ReturnType<typeof ClientSecretBasic>;
let userTokens: TokenResponse;
let nonce: string;

async function token(grant: string, params: Array<[string, string]>): Promise<TokenResponse> {
  const req = await buildTokenRequest(basicCtx(metadata.token_endpoint as string), basicAuth, grant, params);
  return processTokenResponse(await http.send(req, { label: 'token request' }), { grantType: grant });
}

const clientCredentials = () => token('client_credentials', [['scope', 'api:read']]);
const passwordGrant = () =>
  token('password', [
    ['username', sandbox.user.username],
    ['password', sandbox.user.password],
    ['scope', 'offline_access'],
  ]);

/** The sandbox issues ID tokens through the authorization code flow only: the scripted user signs in and consents. */
async function userSignIn(): Promise<TokenResponse> {
  const redirectUri = 'http://localhost:8080/callback';
  const verifier = base64url.encode(randomBytes(32));
  nonce = base64url.encode(randomBytes(16));
  const url = new URL(metadata.authorization_endpoint as string);
  for (const [k, v] of Object.entries({
    client_id: 'sandbox-basic',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile email offline_access',
    prompt: 'consent',
    state: 'state-1',
    nonce,
    code_challenge: base64url.encode(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(k, v);
  const done = await authorizeAsUser(sandbox, url.toString(), { stopBeforeFinal: true });
  const code = new URL(done.finalUrl).searchParams.get('code');
  if (!code) throw new Error(`no code in ${done.finalUrl}`);
  return token('authorization_code', [
    ['code', code],
    ['redirect_uri', redirectUri],
    ['code_verifier', verifier],
  ]);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  http = new HttpClient({ timeoutMs: 15_000 });
  metadata = await discover(http, sandbox.issuer);
  const basic = sandbox.clients['sandbox-basic'];
  if (!basic?.client_secret) throw new Error('sandbox-basic has no secret');
  basicAuth = ClientSecretBasic(basic.client_secret);
  basicCtx = (endpoint) => ({ clientId: basic.client_id, issuer: sandbox.issuer, endpoint, tokenEndpoint: metadata.token_endpoint });
  userTokens = await userSignIn();
});

afterAll(async () => {
  await http?.close();
  await sandbox?.close();
});

describe('introspection (RFC 7662)', () => {
  it('reports an active client_credentials token with the profile client authentication', async () => {
    const at = (await clientCredentials()).access_token;
    expect(decodeToken(at)).toMatchObject({ ok: true, format: 'opaque' });
    const result = await introspect({ http }, basicCtx(metadata.introspection_endpoint as string), basicAuth, at, { tokenTypeHint: 'access_token' });
    expect(result.active).toBe(true);
    expect(result.client_id).toBe('sandbox-basic');
  });

  it('accepts Basic authentication with the resource server name and secret', async () => {
    const at = (await clientCredentials()).access_token;
    const rs = sandbox.resourceServer;
    const ctx: ClientAuthContext = { clientId: rs.client_id, endpoint: metadata.introspection_endpoint as string };
    const req = await introspectionRequest(ctx, ClientSecretBasic(rs.client_secret), at);
    expect(req.headers.authorization).toMatch(/^Basic /);
    expect(new URLSearchParams(req.body).get('token')).toBe(at);
    const result = processIntrospectionResponse(await http.send(req, { label: 'introspection' }));
    expect(result.active).toBe(true);
  });

  it('reports an unknown token as inactive', async () => {
    const result = await introspect({ http }, basicCtx(metadata.introspection_endpoint as string), basicAuth, 'not-a-token-this-server-issued');
    expect(result).toEqual({ active: false });
  });

  it('turns a wrong client secret into the server OAuth error', async () => {
    const err = await introspect({ http }, basicCtx(metadata.introspection_endpoint as string), ClientSecretBasic('wrong-secret'), 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_client');
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes an access token, after which introspection says inactive', async () => {
    const at = (await clientCredentials()).access_token;
    const req = await revocationRequest(basicCtx(metadata.revocation_endpoint as string), basicAuth, at, { tokenTypeHint: 'access_token' });
    expect(new URLSearchParams(req.body).get('token_type_hint')).toBe('access_token');
    processRevocationResponse(await http.send(req, { label: 'revocation' }));
    const after = await introspect({ http }, basicCtx(metadata.introspection_endpoint as string), basicAuth, at);
    expect(after.active).toBe(false);
  });

  it('revokes a refresh token, after which the refresh grant is refused', async () => {
    const tokens = await passwordGrant();
    expect(tokens.refresh_token).toBeTruthy();
    await revoke({ http }, basicCtx(metadata.revocation_endpoint as string), basicAuth, tokens.refresh_token as string, { tokenTypeHint: 'refresh_token' });
    const err = await token('refresh_token', [['refresh_token', tokens.refresh_token as string]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
  });

  it('maps an error status to a typed error', () => {
    expect(() => processRevocationResponse({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"unsupported_token_type"}', url: '', durationMs: 0 })).toThrow(
      ResponseBodyError,
    );
    expect(() => processRevocationResponse({ status: 503, headers: { 'retry-after': '5' }, body: '', url: '', durationMs: 0 })).toThrow(/retry after 5/);
  });
});

describe('userinfo', () => {
  it('returns the claims when sub matches the ID token', async () => {
    const idSub = decodeToken(userTokens.id_token as string);
    if (!idSub.ok || idSub.format !== 'jws') throw new Error('no ID token');
    const result = await fetchUserinfo({ http }, metadata.userinfo_endpoint as string, userTokens.access_token, idSub.payload.sub as string);
    expect(result.claims.sub).toBe(idSub.payload.sub);
    expect(result.jwt).toBeUndefined();
  });

  it('ensure-userinfo-sub-mismatch-fails', async () => {
    const res = await http.send(userinfoRequest(metadata.userinfo_endpoint as string, userTokens.access_token), { label: 'userinfo' });
    expect(() => processUserinfoResponse(res, 'someone-else')).toThrow(/"sub" is ".+" but the ID token's is "someone-else"/);
  });

  it('turns an invalid access token into the WWW-Authenticate error', async () => {
    const err = await fetchUserinfo({ http }, metadata.userinfo_endpoint as string, 'invalid-token', undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_token');
  });
});

describe('ID token and JWT access token verification against the sandbox', () => {
  const idOptions = () => ({
    issuer: sandbox.issuer,
    clientId: 'sandbox-basic',
    nonce,
    idToken: true,
    http,
    jwksCache: new JwksCache(),
    issuedAccessToken: userTokens.access_token,
  });

  it('verifies the sandbox ID token through discovery, at_hash included', async () => {
    const report = await verifyToken(userTokens.id_token as string, idOptions());
    expect(report.ok, report.checks.map((c) => `${c.id}: ${c.status} ${c.reason}`).join('\n')).toBe(true);
    expect(findCheck(report, 'signature')?.reason).toMatch(/verified with JWKS key/);
    // oidc-provider puts at_hash only in front-channel ID tokens; when present it must match.
    const atHash = findCheck(report, 'at_hash');
    expect(atHash?.status === 'passed' || atHash?.reason === 'no "at_hash" claim').toBe(true);
    expect(findCheck(report, 'nonce')?.status).toBe('passed');
  });

  it('ensure-sandbox-id-token-with-flipped-signature-fails', async () => {
    const report = await verifyToken(flipSignature(userTokens.id_token as string), idOptions());
    expect(findCheck(report, 'signature')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/signature does not match/) });
  });

  it('ensure-sandbox-id-token-with-altered-sub-fails', async () => {
    const d = decodeToken(userTokens.id_token as string);
    if (!d.ok || d.format !== 'jws') throw new Error('no ID token');
    const report = await verifyToken(swapPayload(userTokens.id_token as string, { ...d.payload, sub: 'mallory' }), idOptions());
    expect(report.ok).toBe(false);
    expect(findCheck(report, 'signature')?.status).toBe('failed');
  });

  it('ensure-sandbox-id-token-as-alg-none-fails', async () => {
    const d = decodeToken(userTokens.id_token as string);
    if (!d.ok || d.format !== 'jws') throw new Error('no ID token');
    const report = await verifyToken(forge({ ...d.header, alg: 'none' }, d.payload), idOptions());
    expect(findCheck(report, 'alg')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/unsecured/) });
  });

  it('ensure-hs256-signed-with-the-sandbox-rsa-public-key-fails', async () => {
    const jwks = (await (await fetch(metadata.jwks_uri as string)).json()) as { keys: JWK[] };
    const rsaJwk = jwks.keys.find((k) => k.kty === 'RSA');
    if (!rsaJwk) throw new Error('no RSA key in the sandbox JWKS');
    const pem = await exportSPKI((await importJWK(rsaJwk, 'RS256')) as CryptoKey);
    const d = decodeToken(userTokens.id_token as string);
    if (!d.ok || d.format !== 'jws') throw new Error('no ID token');
    const forged = await sign({ alg: 'HS256', kid: rsaJwk.kid }, d.payload, new TextEncoder().encode(pem));
    const report = await verifyToken(forged, idOptions());
    expect(report.ok).toBe(false);
    expect(findCheck(report, 'alg')?.reason).toMatch(/an RSA public key can never verify it/);
  });

  it('ensure-sandbox-id-token-with-another-nonce-fails', async () => {
    const report = await verifyToken(userTokens.id_token as string, { ...idOptions(), nonce: 'a-nonce-from-another-request' });
    expect(findCheck(report, 'nonce')?.status).toBe('failed');
    expect(report.ok).toBe(false);
  });

  it('ensure-sandbox-id-token-for-another-client-fails', async () => {
    const report = await verifyToken(userTokens.id_token as string, { ...idOptions(), clientId: 'sandbox-post' });
    expect(findCheck(report, 'aud')?.status).toBe('failed');
  });

  it('verifies a JWT access token issued for the sandbox resource', async () => {
    const at = (await token('client_credentials', [['scope', 'api:read'], ['resource', RESOURCE]])).access_token;
    const report = await verifyToken(at, { issuer: sandbox.issuer, audience: RESOURCE, accessToken: true, http, jwksCache: new JwksCache() });
    expect(report.ok, report.summary).toBe(true);
    expect(findCheck(report, 'typ')?.status).toBe('passed');
  });
});

describe('RP-initiated logout', () => {
  it('builds the end_session URL the sandbox accepts', async () => {
    const client = sandbox.clients['sandbox-basic'];
    const postLogout = client?.post_logout_redirect_uris[0];
    if (!postLogout) throw new Error('no post_logout_redirect_uri registered');
    const url = buildLogoutUrl({
      endSessionEndpoint: metadata.end_session_endpoint as string,
      idTokenHint: userTokens.id_token,
      postLogoutRedirectUri: postLogout,
      state: 'st-1',
      clientId: 'sandbox-basic',
    });
    const u = new URL(url);
    expect(u.searchParams.get('id_token_hint')).toBe(userTokens.id_token);
    expect(u.searchParams.get('post_logout_redirect_uri')).toBe(postLogout);
    expect(u.searchParams.get('state')).toBe('st-1');
    const res = await http.send({ method: 'GET', url, headers: {} }, { label: 'logout' });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/<form/i);

    const unregistered = buildLogoutUrl({ endSessionEndpoint: metadata.end_session_endpoint as string, idTokenHint: userTokens.id_token, postLogoutRedirectUri: 'https://evil.example/' });
    expect((await http.send({ method: 'GET', url: unregistered, headers: {} }, { label: 'logout' })).status).toBe(400);
  });

  it('refuses a post_logout_redirect_uri the server could not check', () => {
    expect(() => buildLogoutUrl({ endSessionEndpoint: 'https://op.example/logout', postLogoutRedirectUri: 'https://app.example/' })).toThrow(WorkbenchError);
    expect(buildLogoutUrl({ endSessionEndpoint: 'https://op.example/logout?tenant=t1', clientId: 'c' })).toBe('https://op.example/logout?tenant=t1&client_id=c');
  });
});
