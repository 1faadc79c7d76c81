import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { boundTranscriptJson, MAX_TRANSCRIPT_BYTES } from '../../electron/app/history';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { runFlow, type FlowProgress } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import type { ErrorInfo, Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import type { TranscriptEntry } from '../../shared/transcript';
import { sandboxProfile } from '../engine/fixtures';
import { authorizeAsUser } from '../support/scripted-user';

/** Issue 12's service side: runs with unsaved forms, history state (scopes, revocation, transcript), messages. */
let sandbox: SandboxHandle;
let service: AppService;
let dataDir: string;

async function raw<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<Result<OperationResult<N>>> {
  return (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
}
async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const r = await raw(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
const runId = () => randomUUID().replace(/-/g, '');
/** The form as the renderer sends it: the saved profile without its timestamps. */
const form = <T extends { createdAt?: string; updatedAt?: string }>(p: T) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
};

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-session-'));
  service = openAppService({ dataDir, mode: 'web', version: 'test', keychainService: `tokenbench-test-${randomUUID()}`, openBrowser: async () => undefined });
});
afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a run with the form as it is', () => {
  test('uses the draft and typed secret, writes neither, and later calls on its tokens use them too', async () => {
    const saved = await call('saveProfile', { name: 'unsaved form', grantType: 'client_credentials' });
    const summary = await call('getToken', {
      runId: runId(),
      profileId: saved.id,
      draft: { ...form(saved), issuer: sandbox.issuer, clientId: 'sandbox-basic', scopes: ['api:read'] },
      secrets: { clientSecret: sandbox.clients['sandbox-basic']!.client_secret! },
    });
    expect(summary.tokens.access_token).toBeTruthy();
    const after = (await call('listWorkspace', {})).profiles.find((p) => p.id === saved.id)!;
    expect(after.clientId).toBe('');
    expect(after.issuer).toBeUndefined();
    expect((await call('getProfileSecrets', { profileId: saved.id })).every((s) => !s.set)).toBe(true);

    // History keeps what was asked for, and the run's redacted exchanges.
    expect(summary.history.requestedScopes).toEqual(['api:read']);
    expect(summary.history.hasTranscript).toBe(true);
    const transcript = await call('getHistoryTranscript', { historyId: summary.history.id });
    expect(transcript.some((e) => e.kind === 'http' && e.label === 'token request')).toBe(true);
    expect(JSON.stringify(transcript)).not.toContain(sandbox.clients['sandbox-basic']!.client_secret!);

    // Revoke with the run's client and secret (the saved profile has neither): the entry is marked revoked.
    await call('revoke', { profileId: saved.id, historyId: summary.history.id, which: 'access' });
    const entry = (await call('listHistory', { profileId: saved.id })).find((e) => e.id === summary.history.id)!;
    expect(entry.revoked?.access).toBeTruthy();
    // The revocation is kept with the entry's exchanges.
    expect((await call('getHistoryTranscript', { historyId: entry.id })).some((e) => e.kind === 'http' && e.label === 'revocation')).toBe(true);
  });

  test('an introspection answering active:false marks the token revoked', async () => {
    const saved = await call('saveProfile', { name: 'introspected', grantType: 'client_credentials', issuer: sandbox.issuer, clientId: 'sandbox-basic' });
    await call('setProfileSecret', { profileId: saved.id, name: 'clientSecret', value: sandbox.clients['sandbox-basic']!.client_secret! });
    const summary = await call('getToken', { runId: runId(), profileId: saved.id });
    const basic = Buffer.from(`sandbox-basic:${sandbox.clients['sandbox-basic']!.client_secret!}`).toString('base64');
    await fetch(`${sandbox.issuer}/token/revocation`, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: summary.tokens.access_token }) });
    expect((await call('introspect', { profileId: saved.id, historyId: summary.history.id, which: 'access' })).active).toBe(false);
    expect((await call('listHistory', { profileId: saved.id }))[0]!.revoked?.access).toBeTruthy();
  });

  test('ensure-draft-of-another-profile-fails', async () => {
    const a = await call('saveProfile', { name: 'a', grantType: 'client_credentials' });
    const b = await call('saveProfile', { name: 'b', grantType: 'client_credentials' });
    const r = await raw('getToken', { runId: runId(), profileId: a.id, draft: form(b) });
    expect(r.ok).toBe(false);
    expect((r as { error: ErrorInfo }).error.code).toBe('INVALID_INPUT');
  });

  test('ensure-invalid-draft-fails-with-the-field-named', async () => {
    const a = await call('saveProfile', { name: 'bad draft', grantType: 'client_credentials' });
    const r = await raw('getToken', { runId: runId(), profileId: a.id, draft: { ...form(a), issuer: 'ftp://nope' } });
    expect(r.ok).toBe(false);
    const error = (r as { error: ErrorInfo }).error;
    expect(error.message).toMatch(/^(Issuer: must be an http\(s\) URL|The form has problems: Issuer: must be an http\(s\) URL)/);
    expect(error.details?.fields).toEqual([{ path: 'issuer', label: 'Issuer', message: 'must be an http(s) URL' }]);
  });
});

describe('messages in words a user knows', () => {
  test('ensure-invalid-group-issuer-message-names-the-field-not-the-schema', async () => {
    const r = await raw('saveGroup', { name: 'g', defaults: { issuer: 'not a url' } });
    expect(r.ok).toBe(false);
    const error = (r as { error: ErrorInfo }).error;
    expect(error.message).toBe('Default issuer: must be an http(s) URL');
    expect(error.message).not.toMatch(/saveGroup|defaults\.issuer/);
    expect(error.details?.fields).toEqual([{ path: 'defaults.issuer', label: 'Default issuer', message: 'must be an http(s) URL' }]);
  });

  test('ensure-import-of-a-foreign-file-lists-a-few-problems-not-the-schema', async () => {
    const profiles = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, name: `p${i}`, grantType: 'nope' }));
    const r = await raw('importConnections', { json: JSON.stringify({ format: 'tokenbench-connections', version: 1, groups: [], profiles }) });
    expect(r.ok).toBe(false);
    const message = (r as { error: ErrorInfo }).error.message;
    expect(message.length).toBeLessThan(600);
    expect(message).toMatch(/Profile 1, Grant type: invalid option/);
    expect(message).toMatch(/and \d+ more problems?/);
  });
});

describe('the engine keeps waiting when the browser cannot be started', () => {
  test('the opener fails; the progress carries the URL and the error; the user signs in anyway', async () => {
    const events: FlowProgress[] = [];
    const profile = sandboxProfile(sandbox, 'sandbox-public', 'authorization_code', { scopes: ['openid'] });
    const result = await runFlow(
      { profile, inputs: {}, network: {}, interactionTimeoutMs: 20_000 },
      {
        openBrowser: async () => {
          throw new Error('spawn xdg-open ENOENT');
        },
        onProgress: (p) => {
          events.push(p);
          if (p.kind === 'browser_failed') void authorizeAsUser(sandbox, p.url).catch(() => undefined);
        },
      },
    );
    expect(result.tokens.id_token).toBeTruthy();
    const waiting = events.find((e) => e.kind === 'waiting_for_redirect');
    const failed = events.find((e) => e.kind === 'browser_failed');
    expect(waiting && 'authorizationUrl' in waiting && waiting.authorizationUrl?.startsWith(`${sandbox.issuer}/auth?`)).toBe(true);
    expect(failed).toMatchObject({ kind: 'browser_failed', message: 'spawn xdg-open ENOENT' });
    expect(events.some((e) => e.kind === 'browser_opened')).toBe(false);
  });
});

describe('transcripts kept with history are bounded', () => {
  test('bodies are cut and the oldest exchanges dropped to fit', () => {
    const big = 'x'.repeat(100_000);
    const exchange = (i: number): TranscriptEntry => ({
      kind: 'http',
      label: `call ${i}`,
      from: 'workbench',
      to: 'resource_server',
      startedAt: new Date().toISOString(),
      durationMs: 1,
      request: { method: 'POST', url: 'http://127.0.0.1/x', headers: {}, body: big },
      response: { status: 200, headers: {}, body: big },
    });
    const bounded = JSON.parse(boundTranscriptJson(Array.from({ length: 40 }, (_, i) => exchange(i)))) as TranscriptEntry[];
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(MAX_TRANSCRIPT_BYTES);
    expect(bounded.at(-1)!.label).toBe('call 39');
    const last = bounded.at(-1)!;
    expect(last.kind === 'http' && last.response?.truncated).toBe(true);
  });
});
