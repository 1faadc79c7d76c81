import { decodeJwt } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { basicAuth, postForm, tokenRequest } from '../support/sandbox-requests';
import { authorizeAsUser, CookieJar, enterDeviceCode } from '../support/scripted-user';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

let sandbox: SandboxHandle;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

async function startDeviceAuthorization(clientId = 'sandbox-public', scope = 'openid profile') {
  const client = sandbox.clients[clientId]!;
  const auth = client.client_secret ? { headers: { authorization: basicAuth(client.client_id, client.client_secret) } } : {};
  const res = await postForm(`${sandbox.issuer}/device/auth`, { client_id: clientId, scope }, auth);
  expect(res.status).toBe(200);
  return res.json as { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; expires_in: number; interval?: number };
}

describe('device authorization grant', () => {
  test('the user opens verification_uri_complete, signs in and consents; the device then gets tokens', async () => {
    const device = await startDeviceAuthorization();
    expect(device.expires_in).toBe(600);

    const pending = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, { grant_type: DEVICE_CODE, device_code: device.device_code });
    expect(pending.json.error).toBe('authorization_pending');

    const page = await enterDeviceCode(sandbox, { verificationUriComplete: device.verification_uri_complete });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Device connected');

    const tokens = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, { grant_type: DEVICE_CODE, device_code: device.device_code });
    expect(tokens.status, JSON.stringify(tokens.json)).toBe(200);
    expect(decodeJwt(String(tokens.json.id_token)).sub).toBe('alice');
  });

  test('the user types the code at verification_uri', async () => {
    const device = await startDeviceAuthorization('sandbox-basic');
    await enterDeviceCode(sandbox, { verificationUri: device.verification_uri, userCode: device.user_code });
    const tokens = await tokenRequest(sandbox, sandbox.clients['sandbox-basic']!, { grant_type: DEVICE_CODE, device_code: device.device_code });
    expect(tokens.status).toBe(200);
  });

  test('the user aborting makes the device poll end in access_denied', async () => {
    const device = await startDeviceAuthorization();
    await enterDeviceCode(sandbox, { verificationUriComplete: device.verification_uri_complete }, { deny: true });
    const tokens = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, { grant_type: DEVICE_CODE, device_code: device.device_code });
    expect(tokens.json.error).toBe('access_denied');
  });

  test('ensure-wrong-user-code-is-refused', async () => {
    await startDeviceAuthorization();
    await expect(enterDeviceCode(sandbox, { verificationUri: `${sandbox.issuer}/device`, userCode: 'BCDF-GHJK' })).rejects.toThrow(/user code was refused/);
  });

  test('ensure-device-code-cannot-be-redeemed-twice', async () => {
    const device = await startDeviceAuthorization();
    await enterDeviceCode(sandbox, { verificationUriComplete: device.verification_uri_complete });
    const params = { grant_type: DEVICE_CODE, device_code: device.device_code };
    expect((await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, params)).status).toBe(200);
    const again = await tokenRequest(sandbox, sandbox.clients['sandbox-public']!, params);
    expect(again.json.error).toBe('invalid_grant');
  });
});

describe('RP-initiated logout', () => {
  test('a signed-in user confirms sign-out and returns to the registered post_logout_redirect_uri with state', async () => {
    const jar = new CookieJar();
    const result = await authorizeAsUser(
      sandbox,
      `${sandbox.issuer}/auth?${new URLSearchParams({ client_id: 'sandbox-basic', response_type: 'id_token', redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid', nonce: 'n-logout' })}`,
      { stopBeforeFinal: true, jar },
    );
    const idToken = new URLSearchParams(new URL(result.finalUrl).hash.slice(1)).get('id_token')!;
    const logout = await authorizeAsUser(
      sandbox,
      `${sandbox.issuer}/session/end?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1/logged-out', state: 'bye' })}`,
      { stopBeforeFinal: true, jar },
    );
    expect(logout.finalUrl).toBe('http://127.0.0.1/logged-out?state=bye');
  });

  test('ensure-unregistered-post-logout-redirect-uri-is-refused', async () => {
    const res = await request(`${sandbox.issuer}/session/end?${new URLSearchParams({ client_id: 'sandbox-basic', post_logout_redirect_uri: 'http://127.0.0.1/elsewhere' })}`);
    expect(res.statusCode).toBe(400);
    expect(await res.body.text()).toContain('post_logout_redirect_uri');
  });
});
