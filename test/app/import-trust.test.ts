import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { openSecretStore } from '../../electron/secrets/open-secret-store';
import type { SecretStore } from '../../electron/secrets/secret-store';
import type { Result } from '../../shared/errors';
import type { ImportPlanItem, OperationArg, OperationName, OperationResult } from '../../shared/ipc';
import type { ConnectionProfile } from '../../shared/profile';
import type { HttpExchange } from '../../shared/transcript';
import { startCaptureServer, type CaptureServer } from '../support/capture-server';

/**
 * Issue 11, "Imported connections are untrusted input": the app service's
 * import path, called through `dispatch` as the UI calls it, against the real
 * sandbox, the real keychain, and a loopback capture server standing in for
 * the host a hostile file names.
 */
let sandbox: SandboxHandle;
let capture: CaptureServer;
let service: AppService;
let secrets: SecretStore;
let dataDir: string;

async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const result = (await dispatch(service.handlers, name, arg)) as Result<OperationResult<N>>;
  if (!result.ok) throw Object.assign(new Error(`${name}: ${result.error.code} ${result.error.message}`), { code: result.error.code, details: result.error.details });
  return result.value;
}
const runId = () => randomUUID().replace(/-/g, '');
const basicSecret = () => sandbox.clients['sandbox-basic']!.client_secret!;

/** Every form the secret could travel in: raw, form/URL-encoded, inside Basic credentials. */
function secretForms(clientId: string, secret: string): string[] {
  const enc = encodeURIComponent(secret);
  return [secret, enc, Buffer.from(`${encodeURIComponent(clientId)}:${enc}`).toString('base64'), Buffer.from(`${clientId}:${secret}`).toString('base64')];
}
function expectNothingOfSecretArrived(clientId: string, secret: string) {
  const seen = capture.received();
  for (const form of secretForms(clientId, secret)) expect(seen).not.toContain(form);
}

/** A connections file as a colleague (or an attacker) would hand it over. */
function fileWith(groups: unknown[], profiles: unknown[]): string {
  return JSON.stringify({ format: 'tokenbench-connections', version: 1, groups, profiles });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  capture = await startCaptureServer();
  dataDir = mkdtempSync(join(tmpdir(), 'tokenbench-import-'));
  secrets = openSecretStore({ dataDir, service: `tokenbench-test-${randomUUID()}` });
  service = openAppService({ dataDir, mode: 'web', version: 'test', secrets, openBrowser: async () => undefined });
});

afterAll(async () => {
  await call('clearHistory', {}).catch(() => undefined);
  for (const account of await secrets.list().catch(() => [])) await secrets.delete(account).catch(() => undefined);
  for (const k of await call('listKeys', {}).catch(() => [])) await call('deleteKey', { alias: k.alias }).catch(() => undefined);
  await service?.close();
  await sandbox?.close();
  await capture?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function storedProfile(name: string, groupId?: string) {
  const profile = await call('saveProfile', {
    name,
    ...(groupId ? { groupId } : { issuer: sandbox.issuer }),
    grantType: 'client_credentials',
    clientId: 'sandbox-basic',
    scopes: ['api:read'],
  });
  await call('setProfileSecret', { profileId: profile.id, name: 'clientSecret', value: basicSecret() });
  return profile;
}

const profileById = async (id: string) => (await call('listWorkspace', {})).profiles.find((p) => p.id === id);

describe('an imported profile with an existing id (the review repro)', () => {
  let victim: ConnectionProfile;
  let hostile: string;

  beforeAll(async () => {
    victim = await storedProfile('repro victim');
    // A first token, so the victim has stored tokens (a refresh token would be one).
    await call('getToken', { runId: runId(), profileId: victim.id });
    const exported = JSON.parse((await call('exportConnections', {})).json) as { profiles: Array<Record<string, unknown>> };
    const mine = exported.profiles.find((p) => p.id === victim.id)!;
    hostile = fileWith([], [{ ...mine, issuer: undefined, discovery: false, endpoints: { token: `${capture.url}/token` } }]);
  });

  test('ensure-import-with-existing-id-creates-a-new-profile-and-sends-no-stored-secret', async () => {
    const before = capture.received().length;
    const report = await call('importConnections', { json: hostile });
    expect(report.created).toHaveLength(1);
    expect(report.replaced).toEqual([]);
    const copy = report.created[0]!;
    expect(copy.id).not.toBe(victim.id);
    expect(copy.name).toBe('repro victim (imported)');
    // The victim is untouched and still talks to the sandbox with its secret.
    expect((await profileById(victim.id))?.issuer).toBe(sandbox.issuer);
    expect((await call('getToken', { runId: runId(), profileId: victim.id })).tokens.access_token).toBeTruthy();
    // The copy has no secret to send: the run fails before any request.
    await expect(call('getToken', { runId: runId(), profileId: copy.id })).rejects.toMatchObject({ code: 'MISSING_CONFIGURATION' });
    expect(capture.received().length).toBe(before);
    expectNothingOfSecretArrived('sandbox-basic', basicSecret());
    expect(report.needSecrets).toEqual([{ profileId: copy.id, name: copy.name, secrets: ['clientSecret'] }]);
  });

  test('the plan shows the conflict, the changed endpoints and whose secrets a replace clears', async () => {
    const plan = await call('previewImport', { json: hostile });
    expect(plan.valid).toBe(true);
    const item = plan.profiles[0]!;
    expect(item).toMatchObject({ status: 'conflict', existing: { id: victim.id, name: 'repro victim' }, clearsSecretsOf: [{ profileId: victim.id }] });
    const fields = item.changes.map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['issuer', 'discovery', 'endpoints.token']));
    expect(item.changes.find((c) => c.field === 'endpoints.token')).toMatchObject({ after: JSON.stringify(`${capture.url}/token`), destination: true });
    expect(item.changes.find((c) => c.field === 'issuer')).toMatchObject({ before: JSON.stringify(sandbox.issuer), destination: true });
  });

  test('ensure-replace-decided-on-a-stale-plan-fails', async () => {
    const plan = await call('previewImport', { json: hostile });
    const item = plan.profiles[0]!;
    // The workspace changes after the user saw the plan.
    const { createdAt: _c, updatedAt: _u, ...draft } = (await profileById(victim.id))!;
    await call('saveProfile', { ...draft, scopes: ['api:read', 'api:write'] });
    const before = await call('listWorkspace', {});
    await expect(call('importConnections', { json: hostile, decisions: [{ kind: 'profile', fileId: item.fileId, action: 'replace', digest: item.digest }] })).rejects.toMatchObject({
      code: 'IMPORT_PLAN_CHANGED',
    });
    await expect(call('importConnections', { json: hostile, decisions: [{ kind: 'profile', fileId: item.fileId, action: 'replace', digest: 'made-up' }] })).rejects.toMatchObject({
      code: 'IMPORT_PLAN_CHANGED',
    });
    expect(await call('listWorkspace', {})).toEqual(before);
  });

  test('ensure-confirmed-replace-with-host-change-clears-secrets-and-tokens', async () => {
    expect((await call('listHistory', { profileId: victim.id })).length).toBeGreaterThan(0);
    const item = (await call('previewImport', { json: hostile })).profiles[0]!;
    const report = await call('importConnections', { json: hostile, decisions: [{ kind: 'profile', fileId: item.fileId, action: 'replace', digest: item.digest }] });
    expect(report.replaced).toEqual([{ kind: 'profile', id: victim.id, name: 'repro victim' }]);
    expect(report.clearedSecrets).toEqual([{ profileId: victim.id, name: 'repro victim', because: expect.arrayContaining(['issuer', 'endpoints.token']) }]);
    expect(report.needSecrets).toContainEqual({ profileId: victim.id, name: 'repro victim', secrets: ['clientSecret'] });

    const replaced = (await profileById(victim.id))!;
    expect(replaced.endpoints.token).toBe(`${capture.url}/token`);
    expect(replaced.secretRefs).toEqual([]);
    expect((await call('getProfileSecrets', { profileId: victim.id })).find((s) => s.name === 'clientSecret')).toEqual({ name: 'clientSecret', set: false });
    expect(await secrets.get(`profile:${victim.id}:clientSecret`)).toBeUndefined();
    expect(await call('listHistory', { profileId: victim.id })).toEqual([]);

    await expect(call('getToken', { runId: runId(), profileId: victim.id })).rejects.toMatchObject({ code: 'MISSING_CONFIGURATION' });
    expectNothingOfSecretArrived('sandbox-basic', basicSecret());
  });
});

describe('imported group defaults', () => {
  test('ensure-imported-group-defaults-do-not-redirect-existing-profiles', async () => {
    const group = await call('saveGroup', { name: 'Team sandbox', defaults: { issuer: sandbox.issuer } });
    const member = await storedProfile('group member', group.id);
    const hostile = fileWith([{ id: group.id, name: 'Team sandbox', defaults: { issuer: capture.url, network: { proxy: capture.url, insecureSkipTlsVerify: true } } }], []);
    const seen = capture.received().length;

    // Default decision: a new group; the existing one and its member are untouched.
    const report = await call('importConnections', { json: hostile });
    expect(report.created).toEqual([expect.objectContaining({ kind: 'group', name: 'Team sandbox' })]);
    expect(report.created[0]!.id).not.toBe(group.id);
    const ws = await call('listWorkspace', {});
    expect(ws.groups.find((g) => g.id === group.id)?.defaults).toEqual({ issuer: sandbox.issuer });
    expect((await call('getToken', { runId: runId(), profileId: member.id })).tokens.access_token).toBeTruthy();
    expect(capture.received().length).toBe(seen);

    // Replacing the group would move its member's requests: the plan says so, and a replace clears its secret.
    const item = (await call('previewImport', { json: hostile })).groups[0]!;
    expect(item).toMatchObject({ status: 'conflict', clearsSecretsOf: [{ profileId: member.id, name: 'group member' }] });
    expect(item.changes.filter((c) => c.destination).map((c) => c.field)).toEqual(['defaults.issuer', 'defaults.network.insecureSkipTlsVerify', 'defaults.network.proxy']);
    const replaced = await call('importConnections', { json: hostile, decisions: [{ kind: 'group', fileId: group.id, action: 'replace', digest: item.digest }] });
    expect(replaced.clearedSecrets).toEqual([{ profileId: member.id, name: 'group member', because: ['issuer', 'proxy', 'insecureSkipTlsVerify'] }]);
    expect(await secrets.get(`profile:${member.id}:clientSecret`)).toBeUndefined();
    // Discovery now goes to the file's issuer (through the file's proxy): it fails there, with no secret to send.
    await expect(call('getToken', { runId: runId(), profileId: member.id })).rejects.toMatchObject({ code: 'DISCOVERY_FAILED' });
    expect(capture.connections()).toBeGreaterThan(0);
    expectNothingOfSecretArrived('sandbox-basic', basicSecret());
  });

  test('a replace that changes nothing about where requests go keeps the stored secret, and a file secret never overwrites it', async () => {
    const keeper = await storedProfile('keeper');
    const exported = JSON.parse((await call('exportConnections', {})).json) as { profiles: Array<Record<string, unknown>> };
    const mine = exported.profiles.find((p) => p.id === keeper.id)!;
    const file = fileWith([], [{ ...mine, scopes: ['api:read', 'api:write'], secrets: { clientSecret: 'from-the-file-1234' } }]);
    const item = (await call('previewImport', { json: file })).profiles[0]!;
    expect(item).toMatchObject({ status: 'conflict', clearsSecretsOf: [], fileSecrets: ['clientSecret'] });
    expect(item.changes.map((c) => c.field)).toEqual(['scopes']);
    const report = await call('importConnections', { json: file, decisions: [{ kind: 'profile', fileId: keeper.id, action: 'replace', digest: item.digest }] });
    expect(report.clearedSecrets).toEqual([]);
    expect(await secrets.get(`profile:${keeper.id}:clientSecret`)).toBe(basicSecret());
    expect((await call('getToken', { runId: runId(), profileId: keeper.id })).tokens.access_token).toBeTruthy();
  });
});

describe('a bad file changes nothing', () => {
  test('ensure-import-with-one-invalid-profile-changes-nothing', async () => {
    const existing = await storedProfile('untouchable');
    const before = await call('listWorkspace', {});
    const accountsBefore = await secrets.list();
    const profilesFile = readFileSync(join(dataDir, 'profiles.json'));
    const good = (n: number) => ({ id: `good-${n}`, name: `good ${n}`, groupId: 'g1', issuer: sandbox.issuer, grantType: 'client_credentials', clientId: 'x', secrets: { clientSecret: `file-secret-${n}-xyz` } });
    const file = fileWith(
      [{ id: 'g1', name: 'New group', defaults: {} }],
      [
        good(1),
        // Same id as an existing profile, with a secret: must not overwrite the stored one.
        { id: existing.id, name: 'untouchable', issuer: capture.url, grantType: 'client_credentials', clientId: 'sandbox-basic', secrets: { clientSecret: 'attacker-secret-123' } },
        { id: 'bad', name: 'bad', grantType: 'not-a-grant' },
        { id: 'bad-name', name: 'evil\u001b[2J', grantType: 'client_credentials' },
        good(2),
      ],
    );
    const plan = await call('previewImport', { json: file });
    expect(plan.valid).toBe(false);
    const invalid = plan.profiles.filter((p) => p.status === 'invalid');
    expect(invalid.map((p) => p.fileId)).toEqual(['bad', 'bad-name']);
    expect(invalid[0]!.reason).toContain('Grant type');
    expect(invalid[1]!.reason).toContain('control');

    const profileItem = plan.profiles.find((p) => p.fileId === existing.id) as ImportPlanItem;
    await expect(
      call('importConnections', { json: file, decisions: [{ kind: 'profile', fileId: existing.id, action: 'replace', digest: profileItem.digest }] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await call('listWorkspace', {})).toEqual(before);
    expect(readFileSync(join(dataDir, 'profiles.json'))).toEqual(profilesFile);
    expect(await secrets.list()).toEqual(accountsBefore);
    expect(await secrets.get(`profile:${existing.id}:clientSecret`)).toBe(basicSecret());
  });

  test.each([
    ['not JSON', '{"format":'],
    ['another format', JSON.stringify({ format: 'postman', version: 1, groups: [], profiles: [] })],
    ['duplicate ids', fileWith([], [{ id: 'a', name: 'a', grantType: 'client_credentials' }, { id: 'a', name: 'b', grantType: 'client_credentials' }])],
    ['unknown members', JSON.stringify({ format: 'tokenbench-connections', version: 1, groups: [], profiles: [], extra: 1 })],
  ])('ensure-import-of-%s-changes-nothing', async (_what, json) => {
    const before = await call('listWorkspace', {});
    const plan = await call('previewImport', { json });
    expect(plan.valid).toBe(false);
    await expect(call('importConnections', { json })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await call('listWorkspace', {})).toEqual(before);
  });
});

describe('key aliases and assertion claims from a file', () => {
  test('ensure-imported-jwt-bearer-profile-signs-nothing-until-confirmed-then-signs-capped-exp', async () => {
    const alias = `import-es-${process.pid}`;
    const key = await call('generateKey', { alias, alg: 'ES256' });
    const trusting = await startSandbox({ clientJwks: { keys: [{ ...key.publicJwk, kid: key.kid, alg: 'ES256', use: 'sig' }] } });
    try {
      const tenYears = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
      const file = fileWith(
        [],
        [
          {
            id: 'jb',
            name: 'jwt bearer from a file',
            issuer: trusting.issuer,
            grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            clientId: 'sandbox-private-key-jwt',
            clientAuth: { method: 'private_key_jwt', keyAlias: alias, assertionLifetime: 86_400 },
            jwtBearerClaims: { sub: 'batch-job', exp: tenYears, iat: 1, nbf: 1, aud: `${trusting.issuer}/token` },
            // A file cannot pre-confirm itself.
            imported: { at: '2020-01-01T00:00:00Z', confirmed: true },
          },
        ],
      );
      const plan = await call('previewImport', { json: file });
      expect(plan.profiles[0]!.needsConfirmation).toEqual(['clientAuth.keyAlias', 'jwtBearerClaims']);
      const report = await call('importConnections', { json: file, source: 'partner.json' });
      const id = report.created[0]!.id;
      expect(report.awaitingConfirmation).toEqual([{ profileId: id, name: 'jwt bearer from a file', fields: ['clientAuth.keyAlias', 'jwtBearerClaims'] }]);
      expect((await profileById(id))?.imported).toMatchObject({ confirmed: false, source: 'partner.json' });

      const refused = await call('getToken', { runId: runId(), profileId: id }).catch((e: unknown) => e as { code: string; message: string; details: { confirm: string[] } });
      expect(refused).toMatchObject({ code: 'IMPORT_NOT_CONFIRMED', details: { profileId: id, confirm: ['clientAuth.keyAlias', 'jwtBearerClaims'] } });
      expect((refused as { message: string }).message).toContain(`"${alias}"`);

      // Saving the profile from the form is not a review: it stays pending even if the draft says otherwise.
      const current = (await profileById(id))!;
      const { createdAt: _c, updatedAt: _u, ...draft } = current;
      await call('saveProfile', { ...draft, imported: { ...current.imported!, confirmed: true } });
      expect((await profileById(id))?.imported?.confirmed).toBe(false);
      await expect(call('getToken', { runId: runId(), profileId: id })).rejects.toMatchObject({ code: 'IMPORT_NOT_CONFIRMED' });
      // Nor can a run with the form as it is (issue 12's draft runs) claim the confirmation.
      await expect(call('getToken', { runId: runId(), profileId: id, draft: { ...draft, imported: { ...current.imported!, confirmed: true } } })).rejects.toMatchObject({
        code: 'IMPORT_NOT_CONFIRMED',
      });
      const { imported: _imp, ...withoutImported } = draft;
      await expect(call('getToken', { runId: runId(), profileId: id, draft: withoutImported })).rejects.toMatchObject({ code: 'IMPORT_NOT_CONFIRMED' });

      const review = await call('getImportReview', { profileId: id });
      expect(review.pending).toBe(true);
      expect(review.source).toBe('partner.json');
      expect(review.fields.filter((f) => f.reviewed).map((f) => [f.field, f.value])).toEqual([
        ['clientAuth.keyAlias', alias],
        ['jwtBearerClaims', JSON.stringify({ sub: 'batch-job', exp: tenYears, iat: 1, nbf: 1, aud: `${trusting.issuer}/token` }, null, 2)],
      ]);
      expect(review.fields.find((f) => f.field === 'clientAuth.assertionLifetime')?.value).toMatch(/^3600 s/);
      await expect(call('confirmImportedProfile', { profileId: id, digest: 'not-what-was-shown' })).rejects.toMatchObject({ code: 'IMPORT_PLAN_CHANGED' });
      const confirmed = await call('confirmImportedProfile', { profileId: id, digest: review.digest });
      expect(confirmed.imported).toMatchObject({ confirmed: true, confirmedAt: expect.any(String) });

      const run = await call('getToken', { runId: runId(), profileId: id });
      expect(run.tokens.access_token).toBeTruthy();
      const tokenRequest = run.transcript.find((e): e is HttpExchange => e.kind === 'http' && e.request.url.endsWith('/token'))!;
      const form = new URLSearchParams(tokenRequest.request.body);
      for (const param of ['assertion', 'client_assertion']) {
        const claims = decodeJwt(form.get(param)!.replace(/\.[^.]*$/, '.x'));
        const now = Math.floor(Date.now() / 1000);
        // The profile asks for a day and the claims for ten years: the hard cap (1 h) wins; iat and nbf are now.
        expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(3600);
        expect(Math.abs(claims.iat! - now)).toBeLessThan(30);
        if (param === 'assertion') expect(claims).toMatchObject({ sub: 'batch-job', nbf: claims.iat });
      }
      const note = run.transcript.find((e) => e.kind === 'event' && e.label.startsWith('JWT bearer assertion'));
      expect(note).toMatchObject({ detail: expect.stringContaining(`exp ${tenYears} from the claims replaced`) });
    } finally {
      await trusting.close();
    }
  });
});
