import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { HISTORY_FILE_NAME, HistoryStore, MAX_API_CALLS_PER_ENTRY } from '../../electron/app/history';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import type { SecretStore } from '../../electron/secrets/secret-store';
import type { Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';

/**
 * Issue 12 item 6: API calls made with a stored token are in History — method, URL, status, which token,
 * when — and neither the token nor a secret (a secret variable, a secret parameter) is in what History
 * keeps in clear. The real service, sandbox and keychain; the API is a plain HTTP server on loopback.
 */
let sandbox: SandboxHandle;
let service: AppService;
let secrets: SecretStore;
let dataDir: string;
let api: Server;
let apiUrl: string;
/** What the API received last: where the token came, so the test knows the call really carried it. */
let apiSaw: { authorization?: string; query: string } | undefined;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw Object.assign(new Error(`${name}: ${result.error.code} ${result.error.message}`), { info: result.error });
  return result.value;
}
async function failure<N extends OperationName>(name: N, arg: OperationArg<N>) {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (result.ok) throw new Error(`${name} succeeded but should have failed`);
  return result.error;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-api-history-'));
  secrets = openSecretStore({ dataDir, service: `tokenbench-test-${randomUUID()}` });
  service = openAppService({ dataDir, mode: 'web', version: 'test', secrets, openBrowser: async () => undefined });
  sandbox = await startSandbox();
  api = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    apiSaw = { ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), query: url.search };
    res.writeHead(url.pathname === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ orders: [] }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  for (const account of await secrets.list().catch(() => [])) await secrets.delete(account).catch(() => undefined);
  await new Promise((resolve) => api?.close(resolve));
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('API calls in History', () => {
  test('each call is recorded with its token entry: method, URL, status, which token and where, when; failures too', async () => {
    const group = await call('saveGroup', {
      name: 'Orders',
      defaults: {},
      environments: [{ id: 'dev', name: 'dev', variables: [{ name: 'apikey', secret: true }] }],
      activeEnvironmentId: 'dev',
    });
    const profile = await call('saveProfile', { name: 'orders', groupId: group.id, issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'sandbox-basic', clientAuth: { method: 'client_secret_basic' } });
    await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: sandbox.clients['sandbox-basic']!.client_secret! });
    const SECRET_VARIABLE = 'variable-secret-value-4711';
    await call('setEnvironmentSecret', { groupId: group.id, envId: 'dev', name: 'apikey', value: SECRET_VARIABLE });
    const run = await call('getToken', { runId: randomUUID().replace(/-/g, ''), profileId: profile.id });
    const token = run.tokens.access_token;

    const before = Date.now();
    const ok = await call('callApi', { profileId: profile.id, method: 'GET', url: `${apiUrl}/orders?page=2`, headers: [], requestName: 'List orders' });
    expect(ok.status).toBe(200);
    expect(apiSaw?.authorization).toBe(`Bearer ${token}`);
    // In the query, next to a secret variable and a parameter named like a secret.
    const missing = await call('callApi', {
      profileId: profile.id,
      method: 'POST',
      url: `${apiUrl}/missing?key={{apikey}}&client_secret=typed-in-the-url`,
      headers: [],
      body: '{}',
      token: 'access',
      placement: 'query',
      queryParam: 'at',
    });
    expect(missing.status).toBe(404);
    expect(apiSaw?.query).toContain(`key=${SECRET_VARIABLE}`);
    expect(apiSaw?.query).toContain(`at=${token}`);
    // Nothing listens there: no answer, recorded as such.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await failure('callApi', { profileId: profile.id, method: 'DELETE', url: `http://127.0.0.1:${deadPort}/orders/1`, headers: [] });
    // Refused before anything was sent: not a call.
    await failure('callApi', { profileId: profile.id, method: 'GET', url: 'ftp://127.0.0.1/file', headers: [] });

    const [entry] = await call('listHistory', { profileId: profile.id });
    expect(entry?.id).toBe(run.history.id);
    const calls = entry!.apiCalls!;
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({ method: 'GET', url: `${apiUrl}/orders?page=2`, status: 200, token: 'access', placement: 'header', requestName: 'List orders' });
    expect(calls[1]).toMatchObject({ method: 'POST', status: 404, token: 'access', placement: 'query' });
    expect(calls[1]!.url).toBe(`${apiUrl}/missing?key=[redacted]&client_secret=[redacted]`);
    expect(calls[2]).toMatchObject({ method: 'DELETE', url: `http://127.0.0.1:${deadPort}/orders/1`, token: 'access', placement: 'header' });
    expect(calls[2]!.status).toBeUndefined();
    expect(calls[2]!.error).toBeTruthy();
    for (const c of calls) {
      expect(Date.parse(c.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(c.at)).toBeLessThanOrEqual(Date.now());
    }

    // Neither the token nor a secret is in what History returns or keeps on disk.
    const listed = JSON.stringify(await call('listHistory', {}));
    await service.close();
    const onDisk = readFileSync(join(dataDir, HISTORY_FILE_NAME), 'utf8');
    for (const text of [listed, onDisk]) {
      expect(text).toContain('/missing?key=[redacted]');
      expect(text).not.toContain(token);
      expect(text).not.toContain(SECRET_VARIABLE);
      expect(text).not.toContain('typed-in-the-url');
      expect(text).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);
    }
    // Kept across a restart, and cleared with the entry.
    service = openAppService({ dataDir, mode: 'web', version: 'test', secrets, openBrowser: async () => undefined });
    expect((await call('listHistory', { profileId: profile.id }))[0]?.apiCalls).toEqual(calls);
    await call('clearHistory', { profileId: profile.id });
    expect(await call('listHistory', { profileId: profile.id })).toEqual([]);
  });

  test('an entry keeps its newest API calls, bounded, through a compaction of the log', async () => {
    const store = new HistoryStore(dataDir, secrets);
    const entry = await store.add({ profileId: 'bounded', profileName: 'bounded', grantType: 'client_credentials', obtainedAt: new Date().toISOString() }, { access_token: 'at', token_type: 'Bearer' });
    // More lines than the log holds before it compacts itself to its live entries.
    const total = 1100;
    for (let i = 0; i < total; i++) store.addApiCall(entry.id, { at: new Date().toISOString(), method: 'GET', url: `https://api.example/${i}`, status: 200, token: 'access', placement: 'header' });
    expect(store.addApiCall(randomUUID(), { at: new Date().toISOString(), method: 'GET', url: 'https://api.example/x', token: 'access', placement: 'header' })).toBeUndefined();
    store.close();
    expect(readFileSync(join(dataDir, HISTORY_FILE_NAME), 'utf8').trim().split('\n').length).toBeLessThan(200);
    const urls = new HistoryStore(dataDir, secrets).get(entry.id)!.apiCalls!.map((c) => c.url);
    expect(urls).toHaveLength(MAX_API_CALLS_PER_ENTRY);
    expect(urls[0]).toBe(`https://api.example/${total - MAX_API_CALLS_PER_ENTRY}`);
    expect(urls.at(-1)).toBe(`https://api.example/${total - 1}`);
  });

  test('ensure-history-api-call-record-without-method-fails: a malformed record line is not taken as an API call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenbench-api-history-bad-'));
    try {
      const store = new HistoryStore(dir, secrets);
      const entry = await store.add({ profileId: 'p', profileName: 'p', grantType: 'client_credentials', obtainedAt: new Date().toISOString() }, { access_token: 'at', token_type: 'Bearer' });
      store.close();
      appendFileSync(join(dir, HISTORY_FILE_NAME), `${JSON.stringify({ api: { id: entry.id, call: { at: 'now', url: 'https://x', token: 'access', placement: 'header', status: '200' } } })}\n`);
      const reopened = new HistoryStore(dir, secrets);
      // The log is damaged from that line on: kept aside, never half-read.
      expect(reopened.get(entry.id)?.apiCalls).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
