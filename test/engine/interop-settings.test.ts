import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { ClientSecretBasic } from '../../electron/engine/client-auth';
import { clientAuthForEndpoint } from '../../electron/engine/endpoint-auth';
import { processExplained } from '../../electron/engine/failure-hints';
import { runFlow, transcriptOfFailure, type FlowDeps } from '../../electron/engine/flow';
import { HttpClient } from '../../electron/engine/http';
import { loadSigningKeyFile } from '../../electron/engine/key-file';
import { introspectionRequest, processIntrospectionResponse } from '../../electron/inspector/server-checks';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { JWT_BEARER, registeredKid } from '../../electron/sandbox/clients';
import { KID_REQUIRED_CLIENT_ID, KID_THUMBPRINT_CLIENT_ID } from '../../electron/sandbox/kid-quirk';
import { AUTHN_QUIRK_CLIENT_ID, KID_QUIRK_CLIENT_ID, NO_AUTH_TIME_CLIENT_ID, PER_ENDPOINT_CLIENT_ID, QUIRK_ACR, RAW_BASIC_CLIENT_ID } from '../../electron/sandbox/quirks';
import { authorizeAsUser } from '../support/scripted-user';
import { sandboxProfile, sandboxRun } from './fixtures';

/**
 * Interop settings (issue 13 §1), each against a sandbox client configured to behave like the real server whose
 * quirk the setting addresses (electron/sandbox/quirks.ts), through the real engine.
 */

let sandbox: SandboxHandle;
const files = mkdtempSync(join(tmpdir(), 'tokenbench-interop-'));
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const noBrowser: FlowDeps = { openBrowser: async () => undefined };
const userAtBrowser = (): FlowDeps => ({ openBrowser: async (url) => void authorizeAsUser(sandbox, url).catch(() => undefined) });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the run to fail'); }, (err: unknown) => err as WorkbenchError);

/** The quirk client's ES256 key written as a PEM file, which has no kid of its own. */
function es256Pem(): string {
  const key = sandbox.clients[KID_QUIRK_CLIENT_ID]!.signingKeys!.find((k) => k.privateJwk.crv === 'P-256')!;
  const file = join(files, 'es256.pem');
  writeFileSync(file, createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  return file;
}
const ES256_INDEX = 1; // generateClientSigningKeys: RS256, ES256, ES384, ES512, EdDSA

describe('kid in the assertion header, against a client whose registered keys carry their own kids', () => {
  const profileWith = (interop: Record<string, unknown>) => sandboxProfile(sandbox, KID_QUIRK_CLIENT_ID, 'client_credentials', { interop });

  it('a PEM key file gets no kid by default, and the server finds the key by trying its registered keys', async () => {
    const key = await loadSigningKeyFile(es256Pem());
    expect(key.kid).toBeUndefined();
    const result = await runFlow(await sandboxRun(sandbox, profileWith({}), { signingKey: key }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('ensure-thumbprint-kid-unknown-to-the-server-fails: the old default names the setting in the error', async () => {
    const key = await loadSigningKeyFile(es256Pem());
    const err = await failure(runFlow(await sandboxRun(sandbox, profileWith({ kid: 'thumbprint' }), { signingKey: key }), noBrowser));
    expect(err.code).toBe('OAUTH_ERROR');
    expect(err.message).toContain(`had kid "${key.thumbprint}"`);
    expect(err.message).toContain('--kid');
  });

  it('a custom kid equal to the registered one is accepted', async () => {
    const key = await loadSigningKeyFile(es256Pem());
    const result = await runFlow(await sandboxRun(sandbox, profileWith({ kid: 'custom', customKid: registeredKid(ES256_INDEX) }), { signingKey: key }), noBrowser);
    expect(result.tokens.access_token).toBeTruthy();
  });

  it('a keystore key whose kid was edited to the registered one is accepted with kid mode "key"; a wrong kid is refused', async () => {
    const pemKey = await loadSigningKeyFile(es256Pem());
    const edited = { ...pemKey, kid: registeredKid(ES256_INDEX) };
    expect((await runFlow(await sandboxRun(sandbox, profileWith({ kid: 'key' }), { signingKey: edited }), noBrowser)).tokens.access_token).toBeTruthy();
    const wrong = { ...pemKey, kid: registeredKid(0) }; // the RSA key's kid on the EC key
    const err = await failure(runFlow(await sandboxRun(sandbox, profileWith({ kid: 'key' }), { signingKey: wrong }), noBrowser));
    expect(err.message).toMatch(/invalid_client|client authentication/);
  });

  it('kid "none" sends no kid even for a key that has one; x5t / x5c without a certificate is a clear error', async () => {
    const key = { ...(await loadSigningKeyFile(es256Pem())), kid: 'some-kid' };
    expect((await runFlow(await sandboxRun(sandbox, profileWith({ kid: 'none' }), { signingKey: key }), noBrowser)).tokens.access_token).toBeTruthy();
    const err = await failure(runFlow(await sandboxRun(sandbox, profileWith({ x5c: true }), { signingKey: key }), noBrowser));
    expect(err.code).toBe('MISSING_CONFIGURATION');
    expect(err.message).toContain('x5c');
  });
});

describe('kid in the assertion header, against servers that select keys only by kid (a kid-less assertion is refused)', () => {
  const strict = (interop: Record<string, unknown>, clientId = KID_REQUIRED_CLIENT_ID) => sandboxProfile(sandbox, clientId, 'client_credentials', { interop });

  it('ensure-kid-less-client-assertion-to-a-kid-selecting-server-fails: one numbered list of causes, naming the kid setting', async () => {
    const key = await loadSigningKeyFile(es256Pem()); // a PEM file: no kid of its own
    const err = await failure(runFlow(await sandboxRun(sandbox, strict({ kid: 'none' }), { signingKey: key }), noBrowser));
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toBe('invalid_client');
    // The one message a user reads: what the server said, then each usual cause once, with what to change.
    expect(err.message).toBe(
      'server error invalid_client: client authentication failed [HTTP 401] — what to check: ' +
        '(1) the public key that signed the client assertion is not registered for this client (or the server still has an older copy of its JWKS); ' +
        "(2) the client assertion's header had no kid, and a server that selects keys by kid refuses that: send the kid it registered for this key " +
        '(setting "kid in the assertion header": the key\'s kid, a custom value or the JWK thumbprint; CLI --kid VALUE|thumbprint|none, or keys kid ALIAS VALUE); ' +
        `(3) an audience (aud "${sandbox.issuer}/token") the server does not expect: try setting "Assertion audience" to issuer instead of the token endpoint, or the other way round (CLI --assertion-audience issuer|token_endpoint)`,
    );
    expect(err.details?.hints).toHaveLength(3);
    expect(err.details?.hint).toBeUndefined();
    // The default for a PEM file ("the key's kid", which it has none of) is refused the same way.
    const byDefault = await failure(runFlow(await sandboxRun(sandbox, strict({}), { signingKey: key }), noBrowser));
    expect(byDefault.message).toContain("header had no kid");
  });

  it("the key's kid or a custom kid equal to the registered one is accepted; any other kid is refused", async () => {
    const key = await loadSigningKeyFile(es256Pem());
    const registered = registeredKid(ES256_INDEX);
    expect((await runFlow(await sandboxRun(sandbox, strict({ kid: 'custom', customKid: registered }), { signingKey: key }), noBrowser)).tokens.access_token).toBeTruthy();
    expect((await runFlow(await sandboxRun(sandbox, strict({ kid: 'key' }), { signingKey: { ...key, kid: registered } }), noBrowser)).tokens.access_token).toBeTruthy();
    const thumb = await failure(runFlow(await sandboxRun(sandbox, strict({ kid: 'thumbprint' }), { signingKey: key }), noBrowser));
    expect((thumb as ResponseBodyError).error).toBe('invalid_client');
    expect(thumb.message).toContain(`header had kid "${key.thumbprint}"`);
  });

  it('a client that registered its keys by thumbprint accepts kid "thumbprint" and refuses "none"', async () => {
    const key = await loadSigningKeyFile(es256Pem());
    expect((await runFlow(await sandboxRun(sandbox, strict({ kid: 'thumbprint' }, KID_THUMBPRINT_CLIENT_ID), { signingKey: key }), noBrowser)).tokens.access_token).toBeTruthy();
    const none = await failure(runFlow(await sandboxRun(sandbox, strict({ kid: 'none' }, KID_THUMBPRINT_CLIENT_ID), { signingKey: key }), noBrowser));
    expect((none as ResponseBodyError).error).toBe('invalid_client');
    // The registered kid of the other client is no kid here.
    const other = await failure(runFlow(await sandboxRun(sandbox, strict({ kid: 'custom', customKid: registeredKid(ES256_INDEX) }, KID_THUMBPRINT_CLIENT_ID), { signingKey: key }), noBrowser));
    expect((other as ResponseBodyError).error).toBe('invalid_client');
  });

  it('ensure-kid-less-jwt-bearer-assertion-to-a-kid-selecting-server-fails: invalid_grant with the causes for that assertion; the registered kid is accepted', async () => {
    const pem = await loadSigningKeyFile(es256Pem());
    const profile = sandboxProfile(sandbox, KID_REQUIRED_CLIENT_ID, JWT_BEARER, { jwtBearerClaims: { sub: 'service-user-7' } });
    // The client assertion carries the registered kid (the sandbox key's); the grant's assertion, signed with the PEM, none.
    const err = await failure(runFlow(await sandboxRun(sandbox, profile, { assertionSigner: pem }), noBrowser));
    expect((err as ResponseBodyError).error).toBe('invalid_grant');
    expect(err.message).toContain("the JWT bearer assertion's header had no kid");
    expect(err.message).toContain('--kid VALUE|thumbprint|none');
    const ok = await runFlow(await sandboxRun(sandbox, profile, { assertionSigner: { ...pem, kid: registeredKid(ES256_INDEX) } }), noBrowser);
    expect(ok.tokens.access_token).toBeTruthy();
  });
});

describe('Basic credentials encoding, against a client whose server does not decode them', () => {
  const secret = () => sandbox.clients[RAW_BASIC_CLIENT_ID]!.client_secret!;

  it('ensure-form-encoded-basic-to-a-non-decoding-server-fails-naming-the-setting: an empty 403 says endpoint, method, causes and the setting', async () => {
    const profile = sandboxProfile(sandbox, RAW_BASIC_CLIENT_ID, 'client_credentials');
    const err = await failure(runFlow(await sandboxRun(sandbox, profile), noBrowser));
    expect(err.code).toBe('UNEXPECTED_STATUS');
    expect(err.message).toContain(`token request to ${sandbox.issuer}/token`);
    expect(err.message).toContain('client authentication client_secret_basic');
    expect(err.message).toContain('HTTP 403 with an empty body');
    expect(err.message).toContain('usual causes of 403');
    expect(err.message).toContain('"Basic credentials encoding" to raw (CLI --basic-encoding raw)');
    expect(err.message).not.toContain(secret());
  });

  it('raw encoding gets a token', async () => {
    const profile = sandboxProfile(sandbox, RAW_BASIC_CLIENT_ID, 'client_credentials', { interop: { basicEncoding: 'raw' } });
    expect((await runFlow(await sandboxRun(sandbox, profile), noBrowser)).tokens.access_token).toBeTruthy();
  });

  it('a server that decodes takes both encodings from a client whose id has "-"', async () => {
    for (const basicEncoding of ['form', 'raw'] as const) {
      const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials', { interop: { basicEncoding } });
      expect((await runFlow(await sandboxRun(sandbox, profile), noBrowser)).tokens.access_token).toBeTruthy();
    }
  });

  const headerOf = async (encoding: 'form' | 'raw', clientId: string, clientSecret: string) => {
    const headers: Record<string, string> = {};
    await ClientSecretBasic(clientSecret, encoding)({ clientId, endpoint: 'https://as.example/token' }, new URLSearchParams(), headers);
    return Buffer.from((headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
  };

  it('ensure-client-secret-basic-encodes-special-characters', async () => {
    expect(await headerOf('form', "a-b.c_d~e f!*'()", 's:e/c+r%e t')).toBe("a%2Db%2Ec%5Fd%7Ee+f%21%2A%27%28%29:s%3Ae%2Fc%2Br%25e+t");
  });

  it('ensure-client-secret-basic-raw-encoding-sends-unencoded', async () => {
    expect(await headerOf('raw', 'a-b.c_d~e', 's:e/c+r%e t')).toBe('a-b.c_d~e:s:e/c+r%e t');
    await expect(headerOf('raw', 'a:b', 'x')).rejects.toThrow(/":"/);
  });
});

describe('authorization-request parameters in the token request', () => {
  it('ensure-prompt-in-token-params-fails-before-sending, naming --auth-param', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials', { params: { authorization: [], token: [{ name: 'prompt', value: 'consent' }], refresh: [] } });
    const err = await failure(runFlow(await sandboxRun(sandbox, profile), noBrowser));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('--auth-param prompt=');
    expect(transcriptOfFailure(err) ?? []).toHaveLength(0);
  });
});

describe('auth_time and acr against what the authorization request asked for', () => {
  const authCode = (clientId: string, authorization: Array<{ name: string; value: string }>, interop = {}) =>
    sandboxProfile(sandbox, clientId, 'authorization_code', { scopes: ['openid'], params: { authorization, token: [], refresh: [] }, interop });

  it('a compliant server: max_age sent, auth_time present and recent, the report says so', async () => {
    const result = await runFlow(await sandboxRun(sandbox, authCode('sandbox-public', [{ name: 'max_age', value: '300' }])), userAtBrowser());
    expect(typeof decodeJwt(result.tokens.id_token!).auth_time).toBe('number');
    expect(result.verification?.idToken?.checks.find((c) => c.id === 'auth_time')?.status).toBe('passed');
  });

  it('ensure-auth-time-older-than-max-age-fails: a server that answers auth_time 0', async () => {
    const err = await failure(runFlow(await sandboxRun(sandbox, authCode(AUTHN_QUIRK_CLIENT_ID, [{ name: 'max_age', value: '300' }])), userAtBrowser()));
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toContain('auth_time');
    expect(err.message).toContain('max_age=300');
  });

  it('ensure-missing-auth-time-fails when max_age was sent, and when the client requires auth_time', async () => {
    const err = await failure(runFlow(await sandboxRun(sandbox, authCode(NO_AUTH_TIME_CLIENT_ID, [{ name: 'max_age', value: '60' }])), userAtBrowser()));
    expect(err.message).toContain('no "auth_time" claim, but max_age=60 was sent');
    const required = await failure(runFlow(await sandboxRun(sandbox, authCode(NO_AUTH_TIME_CLIENT_ID, [], { requireAuthTime: true })), userAtBrowser()));
    expect(required.message).toContain('require_auth_time');
  });

  it('ensure-essential-acr-not-met-fails; a voluntary acr_values mismatch is only reported', async () => {
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:sandbox:loa:2'] } } });
    const err = await failure(runFlow(await sandboxRun(sandbox, authCode(AUTHN_QUIRK_CLIENT_ID, [{ name: 'claims', value: claims }])), userAtBrowser()));
    expect(err.message).toContain(`"acr" is "${QUIRK_ACR}", not one of the essential "urn:sandbox:loa:2"`);
    const result = await runFlow(await sandboxRun(sandbox, authCode(AUTHN_QUIRK_CLIENT_ID, [{ name: 'acr_values', value: 'urn:sandbox:loa:2' }])), userAtBrowser());
    expect(result.verification?.idToken?.checks.find((c) => c.id === 'acr')?.status).toBe('not_checked');
  });

  it('ensure-non-numeric-max-age-fails-before-sending', async () => {
    const err = await failure(runFlow(await sandboxRun(sandbox, authCode('sandbox-public', [{ name: 'max_age', value: '5m' }])), userAtBrowser()));
    expect(err.code).toBe('INVALID_INPUT');
    expect(transcriptOfFailure(err) ?? []).toHaveLength(0);
  });
});

describe('client authentication per endpoint, from the metadata', () => {
  let quirky: SandboxHandle;
  beforeAll(async () => {
    quirky = await startSandbox({ introspectionAuthMethods: ['client_secret_basic', 'client_secret_post'] });
  });
  afterAll(async () => {
    await quirky?.close();
  });

  it('private_key_jwt at the token endpoint, client_secret_basic at an introspection endpoint that lists only basic and post', async () => {
    const client = quirky.clients[PER_ENDPOINT_CLIENT_ID]!;
    const profile = sandboxProfile(quirky, PER_ENDPOINT_CLIENT_ID, 'client_credentials');
    const config = await sandboxRun(quirky, profile);
    const result = await runFlow(config, noBrowser);
    const metadata = result.metadata!;
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);

    const http = new HttpClient(config.network);
    try {
      const { auth, choice } = clientAuthForEndpoint(profile, metadata, 'introspection', config.inputs);
      expect(choice).toEqual({ method: 'client_secret_basic', note: expect.stringContaining('does not list private_key_jwt') });
      const ctx = { clientId: client.client_id, endpoint: metadata.introspection_endpoint as string, tokenEndpoint: metadata.token_endpoint };
      const req = await introspectionRequest(ctx, auth, result.tokens.access_token);
      const claims = processExplained(req, await http.send(req, { label: 'introspection' }), { label: 'introspection', authMethod: choice.method }, processIntrospectionResponse);
      expect(claims.active).toBe(true);

      // The profile's own method, sent anyway, is what the endpoint refuses.
      const { auth: asProfile } = clientAuthForEndpoint(profile, undefined, 'introspection', config.inputs);
      const refused = await introspectionRequest(ctx, asProfile, result.tokens.access_token);
      await expect(http.send(refused, { label: 'introspection' }).then(processIntrospectionResponse)).rejects.toThrow(/invalid_client/);
    } finally {
      await http.close();
    }
  });

  it('ensure-no-fitting-method-fails-clearly: a profile without the secret the endpoint needs', async () => {
    const profile = sandboxProfile(quirky, PER_ENDPOINT_CLIENT_ID, 'client_credentials');
    const config = await sandboxRun(quirky, profile);
    const result = await runFlow(config, noBrowser);
    expect(() => clientAuthForEndpoint(profile, result.metadata, 'revocation', { signingKey: config.inputs.signingKey })).toThrow(
      /accepts only client_secret_basic, client_secret_post \(revocation_endpoint_auth_methods_supported\).*add the client secret/,
    );
  });
});
