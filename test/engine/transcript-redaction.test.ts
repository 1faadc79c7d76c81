import { describe, expect, it } from 'vitest';
import { ClientSecretBasic } from '../../electron/engine/client-auth';
import { Transcript, type RedactionPolicy } from '../../electron/engine/transcript';
import type { HttpExchange, TranscriptEvent, TranscriptHttpRequest, TranscriptHttpResponse } from '../../shared/transcript';

/**
 * Each redaction rule of the transcript pinned down to the exact text it leaves (the transcript is what users
 * see, copy as curl, export and keep in history). Exact outputs on purpose: "does not contain the secret"
 * also passes when a broken rule mangles everything around it.
 */

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const startedAt = new Date('2026-01-02T03:04:05.678Z');

function transcript(policy?: RedactionPolicy, ...secrets: string[]): Transcript {
  const t = new Transcript(policy);
  for (const s of secrets) t.addSecret(s);
  return t;
}

function exchange(t: Transcript, request: Partial<TranscriptHttpRequest>, response?: Partial<TranscriptHttpResponse>): HttpExchange {
  t.recordHttp({
    label: 'x',
    startedAt,
    durationMs: 1,
    request: { method: 'POST', url: 'https://as.example/token', headers: {}, ...request },
    ...(response ? { response: { status: 200, headers: {}, body: '', ...response } } : {}),
  });
  return t.entries.at(-1) as HttpExchange;
}

const requestBody = (t: Transcript, body: string, headers: Record<string, string> = FORM) => exchange(t, { headers, body }).request.body;
const responseBody = (t: Transcript, body: string) => exchange(t, {}, { body }).response!.body;
const requestHeaders = (t: Transcript, headers: Record<string, string>) => exchange(t, { headers }).request.headers;
const url = (t: Transcript, u: string) => exchange(t, { url: u }).request.url;

describe('transcript entries', () => {
  it('an exchange keeps what it was, with defaults for the parties and the duration to a tenth of a millisecond', () => {
    const t = new Transcript();
    t.recordHttp({ label: 'discovery', startedAt, durationMs: 12.34, request: { method: 'GET', url: 'https://as.example/x', headers: { accept: 'application/json' } } });
    t.recordHttp({ label: 'api', from: 'browser', to: 'resource_server', startedAt, durationMs: 0.06, request: { method: 'GET', url: 'https://rs.example/', headers: {} }, response: { status: 204, headers: {}, body: '' } });
    t.recordHttp({ label: 'slow', startedAt, durationMs: 2.04, request: { method: 'GET', url: 'https://rs.example/', headers: {} } });
    const [discovery, api, slow] = t.entries as HttpExchange[];
    expect(discovery).toStrictEqual({
      kind: 'http',
      label: 'discovery',
      from: 'workbench',
      to: 'authorization_server',
      startedAt: '2026-01-02T03:04:05.678Z',
      durationMs: 12.3,
      request: { method: 'GET', url: 'https://as.example/x', headers: { accept: 'application/json' } },
    });
    expect(api).toStrictEqual({
      kind: 'http',
      label: 'api',
      from: 'browser',
      to: 'resource_server',
      startedAt: '2026-01-02T03:04:05.678Z',
      durationMs: 0.1,
      request: { method: 'GET', url: 'https://rs.example/', headers: {} },
      response: { status: 204, headers: {}, body: '' },
    });
    expect(slow!.durationMs).toBe(2);
  });

  it('a failed exchange keeps its error, with secrets scrubbed from the message', () => {
    const t = transcript({}, 's3cr3t-value');
    t.recordHttp({ label: 'x', startedAt, durationMs: 1, request: { method: 'GET', url: 'https://as.example/', headers: {} }, error: { code: 'NETWORK_ERROR', message: 'refused s3cr3t-value' } });
    expect((t.entries[0] as HttpExchange).error).toStrictEqual({ code: 'NETWORK_ERROR', message: 'refused [redacted]' });
  });

  it('an event keeps label, parties and time; its detail is scrubbed, an empty one left out', () => {
    const t = transcript({}, 's3cr3t-value');
    const before = Date.now();
    t.event('user code shown', 'workbench', 'user', 'code s3cr3t-value at https://as.example/device');
    t.event('browser opened', 'workbench', 'browser');
    t.event('nothing', 'browser', 'loopback', '');
    const [shown, opened, nothing] = t.entries as TranscriptEvent[];
    expect(shown).toStrictEqual({ kind: 'event', label: 'user code shown', from: 'workbench', to: 'user', at: shown!.at, detail: 'code [redacted] at https://as.example/device' });
    expect(Date.parse(shown!.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(shown!.at)).toBeLessThanOrEqual(Date.now());
    expect(opened).toStrictEqual({ kind: 'event', label: 'browser opened', from: 'workbench', to: 'browser', at: opened!.at });
    expect(nothing).toStrictEqual({ kind: 'event', label: 'nothing', from: 'browser', to: 'loopback', at: nothing!.at });
  });

  it('entries are a copy: changing them does not change the transcript', () => {
    const t = new Transcript();
    t.event('one', 'workbench', 'user', 'a');
    const read = t.entries;
    read[0] = { kind: 'event', label: 'forged', from: 'user', to: 'user', at: '' };
    expect(t.entries[0]!.label).toBe('one');
  });
});

describe('registered secrets', () => {
  it('values shorter than 4 characters and missing values are not registered', () => {
    const t = transcript({}, 'abc', '');
    t.addSecret(undefined);
    expect(requestBody(t, 'abc abcd', {})).toBe('abc abcd');
    t.addSecret('abcd');
    expect(requestBody(t, 'abc abcd', {})).toBe('abc [redacted]');
  });

  it('a secret registered late is hidden in the entries read before it; a known one does not redo the work', () => {
    const t = new Transcript();
    t.event('a', 'workbench', 'user', 'late-secret-42');
    t.event('b', 'workbench', 'user', 'other');
    const before = t.entries;
    expect((before[0] as TranscriptEvent).detail).toBe('late-secret-42');
    t.addSecret('late-secret-42');
    const after = t.entries;
    expect(after.map((e) => (e as TranscriptEvent).detail)).toEqual(['[redacted]', 'other']);
    // Registering it again changes nothing: the entries already redacted are kept as they are.
    t.addSecret('late-secret-42');
    expect(t.entries[0]).toBe(after[0]);
  });

  it('a secret is found raw, percent-encoded, form-encoded, in a URL path and JSON-escaped', () => {
    const secret = 'p@ss wo"rd/1';
    const t = transcript({}, secret);
    const echo = (value: string) => requestHeaders(t, { 'x-echo': `<${value}>` })['x-echo'];
    expect(echo(secret)).toBe('<[redacted]>');
    expect(echo(encodeURIComponent(secret))).toBe('<[redacted]>');
    expect(echo(new URLSearchParams({ v: secret }).toString().slice(2))).toBe('<[redacted]>');
    expect(echo(JSON.stringify(secret))).toBe('<"[redacted]">');
    expect(url(t, `https://api.example/v1/${secret}/items`)).toBe('https://api.example/v1/[redacted]/items');
    // A JSON request body is shown as sent (scrubbed only); a JSON response is re-serialised.
    expect(requestBody(t, JSON.stringify({ client_secret: secret }), { 'content-type': 'application/json' })).toBe('{"client_secret":"[redacted]"}');
    expect(responseBody(t, `{"error_description":"bad ${JSON.stringify(secret).slice(1, -1).replace('/', '\\/')}"}`)).toBe(JSON.stringify({ error_description: 'bad [redacted]' }, null, 2));
  });

  it('the URL path encoding escapes controls, DEL and non-ASCII, and " # < > ? ` { }, and leaves @ alone', () => {
    for (const secret of ['a b@c', 'x\u007fy@z', 'n\u00e9e@z', 'a{b}@c', 'a\u0001b@c']) {
      const t = transcript({}, secret);
      expect(url(t, `https://api.example/${secret}/x`), JSON.stringify(secret)).toBe('https://api.example/[redacted]/x');
    }
  });

  it('a secret contained in another leaves nothing of the longer one behind', () => {
    const t = transcript({}, 'abcd', 'abcdefgh');
    expect(requestBody(t, 'abcdefgh abcd', {})).toBe('[redacted] [redacted]');
  });

  it('Basic credentials are found wherever they are echoed', () => {
    const t = new Transcript();
    const headers: Record<string, string> = {};
    void ClientSecretBasic('s3cr3t!')({ clientId: 'app', endpoint: 'https://as.example/token', transcript: t }, new URLSearchParams(), headers);
    const credentials = headers.authorization!.slice('Basic '.length);
    expect(responseBody(t, `no client with credentials ${credentials} or secret s3cr3t!`)).toBe('no client with credentials [redacted] or secret [redacted]');
  });
});

describe('URLs', () => {
  it('query parameters: secrets always, tokens per policy, others kept as encoded', () => {
    const u = 'https://as.example/cb?client_secret=x1&password=pw&code_verifier=v&state=a+b&code=C0DE&access_token=AT#x=1';
    expect(url(new Transcript(), u)).toBe('https://as.example/cb?client_secret=[redacted]&password=[redacted]&code_verifier=[redacted]&state=a+b&code=C0DE&access_token=AT#x=1');
    expect(url(new Transcript({ hideTokens: true }), u)).toBe('https://as.example/cb?client_secret=[redacted]&password=[redacted]&code_verifier=[redacted]&state=a+b&code=[redacted]&access_token=[redacted]#x=1');
  });

  it('fragment parameters (implicit and hybrid responses) too', () => {
    const u = 'https://app.example/cb#access_token=AT&token_type=Bearer&id_token=h.p.s';
    expect(url(new Transcript(), u)).toBe(u);
    expect(url(new Transcript({ hideTokens: true }), u)).toBe('https://app.example/cb#access_token=[redacted]&token_type=Bearer&id_token=[redacted]');
  });

  it('a bare parameter name (a switch such as ?pretty) stays bare, not name=; empty pairs are dropped', () => {
    expect(url(new Transcript(), 'https://api.example/x?pretty&limit=5')).toBe('https://api.example/x?pretty&limit=5');
    expect(url(new Transcript(), 'https://api.example/x?a=1&&b=&c')).toBe('https://api.example/x?a=1&b=&c');
    expect(url(new Transcript(), 'https://app.example/cb#flag&state=s')).toBe('https://app.example/cb#flag&state=s');
    // A bare secret's name still gets the placeholder; a value with "=" in it is one value.
    expect(url(new Transcript(), 'https://api.example/x?client_secret&q=a=b')).toBe('https://api.example/x?client_secret=[redacted]&q=a%3Db');
  });

  it('a form body: a "?" inside a value is the value\'s, a bare name stays bare', () => {
    expect(requestBody(new Transcript(), 'redirect_uri=https://app.example/cb?x=1&client_secret=s&debug')).toBe('redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&client_secret=[redacted]&debug');
  });

  it('a secret is found however its value was percent-encoded (values are re-encoded before the scrub)', () => {
    expect(url(transcript({}, 'AB-secret'), 'https://api.example/x?note=%41%42-secret&flag')).toBe('https://api.example/x?note=[redacted]&flag');
  });

  it('an empty query or fragment stays as it was', () => {
    expect(url(new Transcript(), 'https://as.example/cb?#')).toBe('https://as.example/cb?#');
  });

  it('a password in the URL is hidden; the user name is kept', () => {
    expect(url(new Transcript(), 'https://alice:pa55word@api.example/x')).toBe('https://alice:%5Bredacted%5D@api.example/x');
    expect(url(new Transcript(), 'https://alice@api.example/x')).toBe('https://alice@api.example/x');
  });

  it('a string that is no URL is scrubbed as text', () => {
    expect(url(transcript({}, 's3cr3t-value'), 'not a url s3cr3t-value')).toBe('not a url [redacted]');
  });

  it('redactUrl, used for the browser legs, follows the same rules', () => {
    expect(new Transcript({ hideTokens: true }).redactUrl('https://app.example/cb?code=C0DE&state=s')).toBe('https://app.example/cb?code=[redacted]&state=s');
  });
});

describe('headers', () => {
  it('Basic is always hidden; Bearer and DPoP only when tokens are hidden', () => {
    const headers = { Authorization: 'Basic YWJjOmRlZg==', 'Proxy-Authorization': 'Basic cHJveHk6cHc=' };
    expect(requestHeaders(new Transcript(), headers)).toStrictEqual({ Authorization: 'Basic [redacted]', 'Proxy-Authorization': 'Basic [redacted]' });
    for (const scheme of ['Bearer', 'DPoP', 'bearer', 'dpop']) {
      expect(requestHeaders(new Transcript(), { authorization: `${scheme} AT-1`, 'proxy-authorization': `${scheme} AT-2` })).toStrictEqual({ authorization: `${scheme} AT-1`, 'proxy-authorization': `${scheme} AT-2` });
      expect(requestHeaders(new Transcript({ hideTokens: true }), { authorization: `${scheme} AT-1`, 'proxy-authorization': `${scheme} AT-2` })).toStrictEqual({
        authorization: `${scheme} [redacted]`,
        'proxy-authorization': `${scheme} [redacted]`,
      });
    }
    // A shown token is still scrubbed of registered secrets (an API token stored as a secret variable).
    expect(requestHeaders(transcript({}, 'AT-secret-1'), { authorization: 'Bearer AT-secret-1' }).authorization).toBe('Bearer [redacted]');
  });

  it('any other scheme is hidden, even one that only looks like Bearer', () => {
    expect(requestHeaders(new Transcript(), { authorization: 'NotBearer tok', 'proxy-authorization': 'Bearerish tok' })).toStrictEqual({ authorization: 'NotBearer [redacted]', 'proxy-authorization': 'Bearerish [redacted]' });
    expect(requestHeaders(new Transcript(), { authorization: 'Digest username="a", response="b"' }).authorization).toBe('Digest [redacted]');
  });

  it('a value without a scheme is a bare credential and hidden entirely', () => {
    expect(requestHeaders(new Transcript(), { authorization: 'sk_live_abc123' }).authorization).toBe('[redacted]');
    expect(requestHeaders(new Transcript(), { authorization: 'sk_live_abc123 ' }).authorization).toBe('[redacted]');
    expect(requestHeaders(new Transcript(), { authorization: ' Bearer tok' }).authorization).toBe(' Bearer tok');
  });

  it('cookies are hidden, in requests and responses; other headers are scrubbed', () => {
    const t = transcript({}, 'k3y-value');
    const e = exchange(t, { headers: { Cookie: 'sid=1', 'x-api-key': 'k3y-value', accept: '*/*' } }, { headers: { 'Set-Cookie': 'sid=2; HttpOnly', 'x-echo': 'k3y-value', etag: 'W/"1"' } });
    expect(e.request.headers).toStrictEqual({ Cookie: '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' });
    expect(e.response!.headers).toStrictEqual({ 'Set-Cookie': '[redacted]', 'x-echo': '[redacted]', etag: 'W/"1"' });
    expect(requestHeaders(t, { 'set-cookie': 'a=b', cookie: 'c=d' })).toStrictEqual({ 'set-cookie': '[redacted]', cookie: '[redacted]' });
  });
});

describe('request bodies', () => {
  it('form bodies: secrets always, assertion signatures, tokens per policy, the rest re-encoded as sent', () => {
    const body = 'grant_type=password&username=alice&password=hunter2&client_secret=s3&code_verifier=v&client_assertion=h.c.sig&scope=openid profile&refresh_token=RT&code=C';
    expect(requestBody(new Transcript(), body)).toBe(
      'grant_type=password&username=alice&password=[redacted]&client_secret=[redacted]&code_verifier=[redacted]&client_assertion=h.c.[redacted]&scope=openid+profile&refresh_token=RT&code=C',
    );
    expect(requestBody(new Transcript({ hideTokens: true }), body)).toBe(
      'grant_type=password&username=alice&password=[redacted]&client_secret=[redacted]&code_verifier=[redacted]&client_assertion=h.c.[redacted]&scope=openid+profile&refresh_token=[redacted]&code=[redacted]',
    );
  });

  it('every token-bearing parameter is hidden when tokens are hidden', () => {
    const names = ['access_token', 'refresh_token', 'id_token', 'subject_token', 'actor_token', 'token', 'device_code', 'code', 'auth_req_id', 'response'];
    const body = names.map((n) => `${n}=v`).join('&');
    expect(requestBody(new Transcript(), body)).toBe(body);
    expect(requestBody(new Transcript({ hideTokens: true }), body)).toBe(names.map((n) => `${n}=[redacted]`).join('&'));
  });

  it('an assertion that is not a three-part JWT (SAML, JWE) is hidden entirely', () => {
    expect(requestBody(new Transcript(), 'assertion=PHNhbWw%2BPC9zYW1sPg%3D%3D&client_assertion=a.b.c.d.e')).toBe('assertion=[redacted]&client_assertion=[redacted]');
    expect(requestBody(new Transcript(), 'assertion=h.c.s')).toBe('assertion=h.c.[redacted]');
  });

  it('the form content type is recognised whatever its case and parameters; other bodies are text', () => {
    expect(requestBody(new Transcript(), 'password=hunter2', { 'Content-Type': 'Application/X-WWW-Form-URLEncoded; charset=UTF-8' })).toBe('password=[redacted]');
    expect(requestBody(new Transcript(), 'password=hunter2 and more', { 'content-type': 'text/plain' })).toBe('password=hunter2 and more');
    expect(requestBody(new Transcript(), 'password=hunter2 and more', {})).toBe('password=hunter2 and more');
  });

  it('a request without a body has none; an empty body is kept', () => {
    const none = exchange(new Transcript(), { method: 'GET', headers: FORM }).request;
    expect(none).toStrictEqual({ method: 'GET', url: 'https://as.example/token', headers: FORM });
    expect(requestBody(new Transcript(), '')).toBe('');
  });
});

describe('response bodies', () => {
  const tokens = { access_token: 'AT', token_type: 'Bearer', refresh_token: 'RT', id_token: 'h.p.s', expires_in: 300, code: 400, scope: null };

  it('JSON token fields are hidden per policy, at any depth; client secrets always; non-string values kept', () => {
    const body = JSON.stringify({ ...tokens, client_secret: 'cs', nested: { list: [{ refresh_token: 'RT2', n: 1 }, 'RT3'], password: 'pw' } });
    expect(responseBody(new Transcript(), body)).toBe(JSON.stringify({ ...tokens, client_secret: '[redacted]', nested: { list: [{ refresh_token: 'RT2', n: 1 }, 'RT3'], password: '[redacted]' } }, null, 2));
    expect(responseBody(new Transcript({ hideTokens: true }), `  ${body}`)).toBe(
      JSON.stringify(
        { ...tokens, access_token: '[redacted]', refresh_token: '[redacted]', id_token: '[redacted]', client_secret: '[redacted]', nested: { list: [{ refresh_token: '[redacted]', n: 1 }, 'RT3'], password: '[redacted]' } },
        null,
        2,
      ),
    );
  });

  it('a JSON array body is walked too', () => {
    expect(responseBody(new Transcript({ hideTokens: true }), '[{"access_token":"AT"},"x",null]')).toBe(JSON.stringify([{ access_token: '[redacted]' }, 'x', null], null, 2));
  });

  it('a body that is not JSON is scrubbed as text', () => {
    expect(responseBody(transcript({ hideTokens: true }, 's3cr3t-value'), 'access_token=AT s3cr3t-value {')).toBe('access_token=AT [redacted] {');
  });

  it('a body is cut past 64 KiB, after redaction, and says so', () => {
    const t = transcript({}, 'SECRETVALUE');
    const at = exchange(t, {}, { body: 'x'.repeat(65_536) }).response!;
    expect(at).toStrictEqual({ status: 200, headers: {}, body: 'x'.repeat(65_536) });
    const over = exchange(t, {}, { body: 'y'.repeat(65_537) }).response!;
    expect(over).toStrictEqual({ status: 200, headers: {}, body: 'y'.repeat(65_536), truncated: true });
    // A secret across the cut leaves no prefix of itself behind.
    expect(exchange(t, {}, { body: `${'z'.repeat(65_530)}SECRETVALUE` }).response!.body).toBe(`${'z'.repeat(65_530)}[redac`);
    // A big JSON token response still has its tokens hidden.
    const big = exchange(new Transcript({ hideTokens: true }), {}, { body: JSON.stringify({ access_token: 'AT-hidden', padding: 'p'.repeat(70_000) }) }).response!;
    expect(big.truncated).toBe(true);
    expect(big.body.startsWith('{\n  "access_token": "[redacted]",')).toBe(true);
  });

  it('a body the HTTP client already cut keeps its flag', () => {
    expect(exchange(new Transcript(), {}, { body: 'abc', truncated: true }).response).toStrictEqual({ status: 200, headers: {}, body: 'abc', truncated: true });
    expect(exchange(new Transcript(), {}, { body: 'abc', truncated: false }).response).toStrictEqual({ status: 200, headers: {}, body: 'abc' });
  });
});
