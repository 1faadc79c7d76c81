import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { ConnectionProfileSchema } from '../../shared/profile';
import { discover } from '../../electron/engine/discovery';
import { runFlow, transcriptOfFailure } from '../../electron/engine/flow';
import { HttpClient } from '../../electron/engine/http';
import { HOSTILE_ROUTES, refusedPort, startHostileServer, type HostileServer } from '../support/hostile-server';

let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostileServer();
});
afterAll(async () => {
  await hostile?.close();
});

/** A client-credentials run against one hostile route as the token endpoint. */
async function tokenFrom(tokenUrl: string, timeoutMs = 5_000) {
  const profile = ConnectionProfileSchema.parse({
    id: 'hostile',
    name: 'hostile',
    discovery: false,
    endpoints: { token: tokenUrl },
    grantType: 'client_credentials',
    clientId: 'client',
    clientAuth: { method: 'client_secret_basic' },
  });
  return runFlow({ profile, inputs: { clientSecret: 'the-secret-value' }, network: { timeoutMs } }, { openBrowser: async () => undefined }).catch((e: unknown) => e);
}

const codeOf = (err: unknown) => (err instanceof WorkbenchError ? err.code : `not a WorkbenchError: ${String(err)}`);

describe('hostile token endpoint responses get typed errors', () => {
  it('ensure-html-error-page-is-reported-as-html', async () => {
    const err = await tokenFrom(hostile.url(HOSTILE_ROUTES.html500));
    expect(codeOf(err)).toBe('HTML_RESPONSE');
    expect((err as Error).message).toMatch(/HTML page \(HTTP 500/);
  });

  it('ensure-html-login-page-with-200-is-not-taken-for-json', async () => {
    expect(codeOf(await tokenFrom(hostile.url(HOSTILE_ROUTES.html200)))).toBe('HTML_RESPONSE');
  });

  it('ensure-malformed-json-is-reported', async () => {
    const err = await tokenFrom(hostile.url(HOSTILE_ROUTES.malformedJson));
    expect(codeOf(err)).toBe('INVALID_JSON');
  });

  it('ensure-redirect-is-not-followed', async () => {
    const err = await tokenFrom(hostile.url(HOSTILE_ROUTES.redirect));
    expect(codeOf(err)).toBe('REDIRECT_NOT_FOLLOWED');
    // Only the one request: nothing went to the redirect target.
    expect(hostile.requests.filter((r) => r.path.startsWith(HOSTILE_ROUTES.oauthError))).toHaveLength(0);
  });

  it('ensure-oauth-error-body-carries-error-and-description', async () => {
    const err = await tokenFrom(hostile.url(HOSTILE_ROUTES.oauthError));
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as ResponseBodyError).error).toEqual(expect.any(String));
    expect((err as ResponseBodyError).error_description).toEqual(expect.any(String));
  });

  it.each([HOSTILE_ROUTES.large, HOSTILE_ROUTES.largeChunked])('ensure-oversized-response-is-refused (%s)', async (route) => {
    expect(codeOf(await tokenFrom(hostile.url(route)))).toBe('RESPONSE_TOO_LARGE');
  });

  it('ensure-slow-server-past-the-deadline-times-out', async () => {
    const err = await tokenFrom(`${hostile.url(HOSTILE_ROUTES.slow)}?ms=60000`, 300);
    expect(codeOf(err)).toBe('TIMEOUT');
  });

  it('ensure-stalled-body-past-the-deadline-times-out', async () => {
    const err = await tokenFrom(`${hostile.url(HOSTILE_ROUTES.slowBody)}?ms=60000`, 300);
    expect(codeOf(err)).toBe('TIMEOUT');
  });

  it('ensure-refused-port-is-reported', async () => {
    const port = await refusedPort();
    const err = await tokenFrom(`http://127.0.0.1:${port}/token`);
    expect(codeOf(err)).toBe('CONNECTION_REFUSED');
  });

  it('ensure-tls-failure-is-reported', async () => {
    // TLS to a plain-HTTP port fails the handshake.
    const err = await tokenFrom(hostile.url(HOSTILE_ROUTES.oauthError).replace('http:', 'https:'));
    expect(codeOf(err)).toBe('TLS_ERROR');
  });

  it('a failed run keeps its transcript, with the secret redacted', async () => {
    const err = await tokenFrom(hostile.url(HOSTILE_ROUTES.html500));
    const transcript = transcriptOfFailure(err);
    expect(transcript?.length).toBe(1);
    expect(JSON.stringify(transcript)).not.toContain('the-secret-value');
  });

  it('ensure-informational-response-is-skipped-for-the-final-one', async () => {
    const result = await tokenFrom(hostile.url(HOSTILE_ROUTES.earlyHints));
    expect(result).toMatchObject({ tokens: { access_token: 'after-the-hints' } });
  });

  it('ensure-request-cancelled-before-it-starts-is-never-sent', async () => {
    const http = new HttpClient();
    const before = hostile.requests.length;
    const err = await http
      .send({ method: 'GET', url: hostile.url(HOSTILE_ROUTES.oauthError), headers: {} }, { label: 'x', signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    await http.close();
    expect(codeOf(err)).toBe('CANCELLED');
    expect(hostile.requests.length).toBe(before);
  });

  it('cancel aborts a request in flight', async () => {
    const http = new HttpClient({ timeoutMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await http.send({ method: 'GET', url: `${hostile.url(HOSTILE_ROUTES.slow)}?ms=60000`, headers: {} }, { label: 'x', signal: controller.signal }).catch((e: unknown) => e);
    await http.close();
    expect(codeOf(err)).toBe('CANCELLED');
  });
});

describe('discovery', () => {
  it('discovery-issuer-mismatch', async () => {
    const http = new HttpClient();
    const err = await discover(http, hostile.origin).catch((e: unknown) => e);
    await http.close();
    expect(codeOf(err)).toBe('ISSUER_MISMATCH');
    expect((err as Error).message).toContain(hostile.claimedIssuer);
  });

  it('discovery-issuer-with-trailing-slash-is-a-mismatch', async () => {
    const { startSandbox } = await import('../../electron/sandbox');
    const sandbox = await startSandbox();
    const http = new HttpClient();
    try {
      expect((await discover(http, sandbox.issuer)).token_endpoint).toBe(`${sandbox.issuer}/token`);
      expect(codeOf(await discover(http, `${sandbox.issuer}/`).catch((e: unknown) => e))).toMatch(/ISSUER_MISMATCH|DISCOVERY_FAILED/);
    } finally {
      await http.close();
      await sandbox.close();
    }
  });

  it('ensure-discovery-of-a-non-server-fails-clearly', async () => {
    const http = new HttpClient();
    const err = await discover(http, hostile.url('/nothing-here')).catch((e: unknown) => e);
    await http.close();
    expect(codeOf(err)).toBe('DISCOVERY_FAILED');
  });

  it('ensure-issuer-with-query-is-refused', async () => {
    const http = new HttpClient();
    const err = await discover(http, 'https://as.example/?tenant=1').catch((e: unknown) => e);
    await http.close();
    expect(codeOf(err)).toBe('INVALID_INPUT');
  });
});
