import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyImportDocument, planImport, replaceAllDecisions } from '../../electron/app/import-plan';
import { importReviewOf } from '../../electron/app/import-review';
import { resolveFlowConfig } from '../../electron/app/run-profile';
import { ProfileStore } from '../../electron/storage/profile-store';
import { assertImportConfirmed, awaitsImportReview, destinationsOf } from '../../shared/import-trust';
import { ConnectionGroupSchema, ConnectionProfileSchema, type ConnectionGroup, type ConnectionProfile, type ConnectionProfileInput } from '../../shared/profile';

/**
 * Import trust (issue 11), the planning and applying rules on their own:
 * a real profile store in a temporary directory, no keychain needed (these
 * imports clear and store no secrets), so each rule is checked fast.
 */
const profile = (p: Partial<ConnectionProfileInput> & { id: string }): ConnectionProfile =>
  ConnectionProfileSchema.parse({ name: p.id, grantType: 'client_credentials', clientId: 'c', ...p });
const group = (g: Partial<ConnectionGroup> & { id: string }): ConnectionGroup => ConnectionGroupSchema.parse({ name: g.id, ...g });
const doc = (groups: unknown[], profiles: unknown[]) => ({ format: 'tokenbench-connections', version: 1, groups, profiles });

describe('destinations: what moves a profile’s requests', () => {
  const base = profile({ id: 'p', issuer: 'https://as.example/tenant', endpoints: { token: 'https://as.example/t' } });
  const key = (p: ConnectionProfile, g?: ConnectionGroup) => destinationsOf(p, g);

  it('origins count, paths do not (but an issuer whose metadata is read counts with its path)', () => {
    expect(key({ ...base, issuer: 'https://as.example/other' })).not.toEqual(key(base));
    expect(key({ ...base, discovery: false, issuer: 'https://as.example/other' })).toEqual(key({ ...base, discovery: false }));
    expect(key({ ...base, issuer: 'https://as.example:8443/tenant' })).not.toEqual(key(base));
    expect(key({ ...base, issuer: 'http://as.example/tenant' })).not.toEqual(key(base));
    expect(key({ ...base, endpoints: { token: 'https://evil.example/t' } })).not.toEqual(key(base));
  });

  it('group defaults apply where the profile leaves them unset', () => {
    const p = profile({ id: 'q', groupId: 'g' });
    expect(key(p, group({ id: 'g', defaults: { issuer: 'https://a.example' } })).issuer).toBe('https://a.example');
    expect(key({ ...p, issuer: 'https://own.example' }, group({ id: 'g', defaults: { issuer: 'https://a.example' } })).issuer).toBe('https://own.example');
    expect(key(p, group({ id: 'g', defaults: { network: { proxy: 'http://proxy.example:3128' } } })).proxy).toBe('http://proxy.example:3128');
    expect(key(p, group({ id: 'g', defaults: { network: { insecureSkipTlsVerify: true } } })).insecureSkipTlsVerify).toBe(true);
  });
});

describe('group settings beyond issuer and network', () => {
  it('anything else a group carries (environments, say) counts as where its members’ requests go; its name does not', () => {
    const p = profile({ id: 'q', groupId: 'g' });
    const g = group({ id: 'g' });
    const withEnv = (host: string): ConnectionGroup => ({ ...g, environments: [{ id: 'prod', name: 'prod', variables: [{ name: 'host', value: host, secret: false }] }] });
    expect(destinationsOf(p, withEnv('a.example'))).not.toEqual(destinationsOf(p, withEnv('b.example')));
    expect(destinationsOf(p, { ...g, name: 'renamed' })).toEqual(destinationsOf(p, g));
  });

  it('a group timeout change moves nothing', () => {
    const ws = { groups: [group({ id: 'g' })], profiles: [profile({ id: 'm', groupId: 'g', issuer: 'https://as.example' })] };
    const item = planImport(doc([{ id: 'g', name: 'g', defaults: { network: { timeoutMs: 5000 } } }], []), ws).groups[0]!;
    expect(item.clearsSecretsOf).toEqual([]);
    expect(item.changes).toContainEqual({ field: 'defaults.network.timeoutMs', after: '5000', destination: false, signing: false });
    expect(item.changes.filter((c) => c.destination)).toEqual([]);
  });
});

describe('the plan', () => {
  const ws = {
    groups: [group({ id: 'g', defaults: { issuer: 'https://as.example' } })],
    profiles: [
      profile({ id: 'member', groupId: 'g', secretRefs: ['clientSecret'] }),
      profile({ id: 'solo', name: 'solo', issuer: 'https://as.example', secretRefs: ['clientSecret'] }),
      profile({ id: 'own-issuer', groupId: 'g', issuer: 'https://own.example' }),
    ],
  };

  it('ensure-group-default-turning-tls-verification-off-clears-the-members-secrets', () => {
    const plan = planImport(doc([{ id: 'g', name: 'g', defaults: { issuer: 'https://as.example', network: { insecureSkipTlsVerify: true } } }], []), ws);
    expect(plan.groups[0]).toMatchObject({ status: 'conflict', clearsSecretsOf: [{ profileId: 'member' }, { profileId: 'own-issuer' }] });
  });

  it('a group default a member overrides does not move that member', () => {
    const plan = planImport(doc([{ id: 'g', name: 'g', defaults: { issuer: 'https://evil.example' } }], []), ws);
    expect(plan.groups[0]!.clearsSecretsOf).toEqual([{ profileId: 'member', name: 'member' }]);
  });

  it('turning TLS verification back on moves nothing; another issuer path (another metadata document) does', () => {
    const insecure = { ...ws, groups: [group({ id: 'g', defaults: { issuer: 'https://as.example', network: { insecureSkipTlsVerify: true } } })] };
    expect(planImport(doc([{ id: 'g', name: 'g', defaults: { issuer: 'https://as.example/' } }], []), insecure).groups[0]!.clearsSecretsOf).toEqual([]);
    expect(planImport(doc([{ id: 'g', name: 'g', defaults: { issuer: 'https://as.example/v2' } }], []), insecure).groups[0]!.clearsSecretsOf).not.toEqual([]);
  });

  it.each([
    ['proxy', { network: { proxy: 'http://127.0.0.1:1' } }],
    ['CA bundle', { network: { caFile: '/tmp/evil.pem' } }],
    ['fixed redirect', { redirect: { mode: 'fixed', url: 'https://evil.example/cb' } }],
    ['device endpoint', { endpoints: { device_authorization: 'https://evil.example/device' } }],
    ['PAR endpoint', { authorizationRequest: { parEndpoint: 'https://evil.example/par' } }],
    ['registration client URI', { registration: { registrationClientUri: 'https://evil.example/register/c' } }],
    ['API request URL', { apiRequests: [{ id: 'r', name: 'r', url: 'https://evil.example/api' }] }],
  ])('ensure-replace-changing-the-%s-clears-secrets', (_what, change) => {
    const plan = planImport(doc([], [{ ...ws.profiles[1], ...change }]), ws);
    expect(plan.profiles[0]).toMatchObject({ status: 'conflict', clearsSecretsOf: [{ profileId: 'solo' }] });
    expect(plan.profiles[0]!.changes.every((c) => c.destination)).toBe(true);
  });

  it('moving a replaced profile into a group with other defaults counts as moving it', () => {
    const plan = planImport(doc([{ id: 'h', name: 'h', defaults: { issuer: 'https://elsewhere.example' } }], [{ ...ws.profiles[1], issuer: undefined, groupId: 'h' }]), ws);
    expect(plan.profiles[0]!.clearsSecretsOf).toEqual([{ profileId: 'solo', name: 'solo' }]);
  });

  it('names: a taken name gets a suffix; a profile naming a group the file lacks goes without a group', () => {
    const plan = planImport(doc([], [{ id: 'x', name: 'solo', grantType: 'client_credentials', groupId: 'nowhere' }]), ws);
    expect(plan.profiles[0]).toMatchObject({ status: 'new', importedAs: 'solo (imported)' });
    expect(plan.profiles[0]!.notes[0]).toContain('not in the file');
  });

  it.each([
    ['a newline', 'two\nlines'],
    ['an escape', 'x\u001b]8;;evil\u0007'],
    ['a bidi override', 'abc\u202edcba'],
  ])('ensure-profile-name-with-%s-is-invalid', (_what, name) => {
    const plan = planImport(doc([], [{ id: 'x', name, grantType: 'client_credentials' }]), ws);
    expect(plan.valid).toBe(false);
    expect(plan.profiles[0]!.status).toBe('invalid');
  });

  it('a key alias or claims need confirmation; a replace that keeps them and where they go does not', () => {
    const signer = profile({ id: 'signer', issuer: 'https://as.example', clientAuth: { method: 'private_key_jwt', keyAlias: 'k' } });
    const w = { groups: [], profiles: [signer] };
    expect(planImport(doc([], [{ ...signer, id: 'new-one', name: 'n' }]), w).profiles[0]!.needsConfirmation).toEqual(['clientAuth.keyAlias']);
    expect(planImport(doc([], [{ ...signer, scopes: ['a'] }]), w).profiles[0]!.needsConfirmation).toEqual([]);
    expect(planImport(doc([], [{ ...signer, issuer: 'https://evil.example' }]), w).profiles[0]!.needsConfirmation).toEqual(['clientAuth.keyAlias']);
    expect(planImport(doc([], [{ ...signer, jwtBearerClaims: { aud: 'x' } }]), w).profiles[0]!.needsConfirmation).toEqual(['clientAuth.keyAlias', 'jwtBearerClaims']);
  });
});

describe('a run of an unconfirmed import', () => {
  it.each([
    ['request object key', { requestObject: 'signed', requestObjectKeyAlias: 'jar-key' }, { method: 'client_secret_basic' }, 'authorizationRequest.requestObjectKeyAlias'],
    ['client key signing request objects', { requestObject: 'signed' }, { method: 'client_secret_basic', keyAlias: 'k' }, 'clientAuth.keyAlias'],
    ['JARM decryption key', { jarmDecryptionKeyAlias: 'jarm-key' }, { method: 'client_secret_basic' }, 'authorizationRequest.jarmDecryptionKeyAlias'],
  ] as const)('ensure-unconfirmed-import-%s-is-not-used', async (_what, authorizationRequest, clientAuth, field) => {
    const p = profile({ id: 'x', grantType: 'authorization_code', issuer: 'https://as.example', authorizationRequest, clientAuth, imported: { at: 'now', confirmed: false } });
    // Refused before the keystore is asked for the key.
    const keystore = { getSigningKey: () => Promise.reject(new Error('the keystore was asked')) };
    await expect(resolveFlowConfig(p, { keystore: keystore as never })).rejects.toMatchObject({ code: 'IMPORT_NOT_CONFIRMED', details: { confirm: [field] } });
  });
});

describe('applying', () => {
  let dir: string;
  let store: ProfileStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokenbench-import-plan-'));
    store = new ProfileStore({ dataDir: dir });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ensure-file-cannot-pre-confirm-or-date-its-profiles', async () => {
    const report = await applyImportDocument(
      doc([], [{ id: 'x', name: 'x', grantType: 'client_credentials', clientAuth: { method: 'private_key_jwt', keyAlias: 'k' }, imported: { at: 'then', confirmed: true }, createdAt: '1999' }]),
      [],
      { store },
    );
    const saved = store.getProfile(report.created[0]!.id)!;
    expect(saved.imported?.confirmed).toBe(false);
    expect(saved.createdAt).not.toBe('1999');
    expect(awaitsImportReview(saved)).toBe(true);
    expect(() => assertImportConfirmed(saved, ['clientAuth.keyAlias'])).toThrow(expect.objectContaining({ code: 'IMPORT_NOT_CONFIRMED' }));
    // A run that does not use the key is not in the way.
    expect(() => assertImportConfirmed(saved, ['jwtBearerClaims'])).not.toThrow();
  });

  it('ensure-file-cannot-register-a-url-scheme-with-the-os', async () => {
    const redirect = { mode: 'fixed' as const, url: 'com.example.app:/cb', registerScheme: true };
    const d = doc([], [{ id: 'x', name: 'x', grantType: 'authorization_code', redirect }]);
    expect(planImport(d, { groups: [], profiles: [] }).profiles[0]!.notes.join()).toContain('left off');
    const report = await applyImportDocument(d, [], { store });
    expect(store.getProfile(report.created[0]!.id)?.redirect).toEqual({ mode: 'fixed', url: 'com.example.app:/cb' });
    // A replace keeps what the user turned on while the URL stays the same.
    store.saveProfile({ id: 'mine', name: 'mine', grantType: 'authorization_code', redirect });
    const again = doc([], [{ id: 'mine', name: 'mine', grantType: 'authorization_code', scopes: ['openid'], redirect }]);
    await applyImportDocument(again, replaceAllDecisions(planImport(again, { groups: [], profiles: store.listProfiles() })), { store });
    expect(store.getProfile('mine')?.redirect.registerScheme).toBe(true);
  });

  it('a profile without key aliases or claims needs no confirmation', async () => {
    const report = await applyImportDocument(doc([], [{ id: 'x', name: 'x', grantType: 'client_credentials' }]), [], { store, source: 'f.json' });
    expect(store.getProfile(report.created[0]!.id)?.imported).toMatchObject({ confirmed: true, source: 'f.json' });
    expect(report.awaitingConfirmation).toEqual([]);
  });

  it('ensure-decisions-that-name-nothing-or-replace-nothing-fail-and-change-nothing', async () => {
    store.saveProfile({ id: 'a', name: 'a', grantType: 'client_credentials' });
    const before = readFileSync(store.path);
    const d = doc([], [{ id: 'b', name: 'b', grantType: 'client_credentials' }]);
    await expect(applyImportDocument(d, [{ kind: 'profile', fileId: 'b', action: 'replace', digest: 'x' }], { store })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(applyImportDocument(d, [{ kind: 'profile', fileId: 'zzz', action: 'skip' }], { store })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(applyImportDocument(d, [{ kind: 'group', fileId: 'b', action: 'skip' }], { store })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(readFileSync(store.path)).toEqual(before);
  });

  it('skip, new and replace together; --replace is every conflict on the current plan', async () => {
    store.saveGroup({ id: 'g', name: 'g', defaults: {} });
    store.saveProfile({ id: 'a', name: 'a', groupId: 'g', grantType: 'client_credentials', scopes: ['old'] });
    const d = doc(
      [{ id: 'g', name: 'g', defaults: {} }],
      [
        { id: 'a', name: 'a', groupId: 'g', grantType: 'client_credentials', scopes: ['new'] },
        { id: 'b', name: 'b', groupId: 'g', grantType: 'client_credentials' },
        { id: 'c', name: 'c', grantType: 'client_credentials' },
      ],
    );
    const plan = planImport(d, { groups: store.listGroups(), profiles: store.listProfiles() });
    const report = await applyImportDocument(d, [...replaceAllDecisions(plan), { kind: 'profile', fileId: 'c', action: 'skip' }], { store });
    expect(report.replaced.map((r) => r.id).sort()).toEqual(['a', 'g']);
    expect(report.created.map((r) => r.name)).toEqual(['b']);
    expect(report.skipped.map((r) => r.fileId)).toEqual(['c']);
    expect(store.getProfile('a')?.scopes).toEqual(['new']);
    expect(store.getProfile('b')?.groupId).toBe('g');
    expect(store.listProfiles()).toHaveLength(2);
  });

  it('ensure-import-clearing-secrets-without-a-keychain-changes-nothing', async () => {
    store.saveProfile({ id: 'a', name: 'a', issuer: 'https://as.example', grantType: 'client_credentials', secretRefs: ['clientSecret'] });
    const before = readFileSync(store.path);
    const d = doc([], [{ id: 'a', name: 'a', issuer: 'https://evil.example', grantType: 'client_credentials' }]);
    const plan = planImport(d, { groups: [], profiles: store.listProfiles() });
    await expect(applyImportDocument(d, replaceAllDecisions(plan), { store })).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(readFileSync(store.path)).toEqual(before);
  });

  it('ProfileStore.applyImport writes everything or nothing', () => {
    store.saveProfile({ id: 'a', name: 'a', grantType: 'client_credentials' });
    const before = readFileSync(store.path);
    expect(() =>
      store.applyImport({
        groups: [{ id: 'g', name: 'g', defaults: {} }],
        profiles: [
          { id: 'b', name: 'b', groupId: 'g', grantType: 'client_credentials' },
          { id: 'c', name: 'c', groupId: 'missing', grantType: 'client_credentials' },
        ],
      }),
    ).toThrow(/group missing does not exist/);
    expect(() => store.applyImport({ groups: [], profiles: [{ id: 'd', name: 'a', grantType: 'client_credentials' }] })).toThrow(/already exists/);
    expect(readFileSync(store.path)).toEqual(before);
    store.applyImport({ groups: [{ id: 'g', name: 'g', defaults: {} }], profiles: [{ id: 'b', name: 'b', groupId: 'g', grantType: 'client_credentials' }] });
    expect(store.listProfiles().map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('the review names what the key will do, and its digest changes when the profile does', () => {
    const p = profile({ id: 'p', groupId: 'g', clientAuth: { method: 'private_key_jwt', keyAlias: 'k', assertionLifetime: 120 }, imported: { at: 'now', confirmed: false } });
    const g = group({ id: 'g', defaults: { issuer: 'https://as.example' } });
    const review = importReviewOf(p, g);
    expect(review.fields.map((f) => [f.field, f.value])).toContainEqual(['issuer', 'https://as.example']);
    expect(review.fields.find((f) => f.field === 'clientAuth.assertionLifetime')?.value).toMatch(/^120 s/);
    expect(importReviewOf({ ...p, clientAuth: { ...p.clientAuth, keyAlias: 'other' } }, g).digest).not.toBe(review.digest);
    expect(importReviewOf(p, group({ id: 'g', defaults: { issuer: 'https://evil.example' } })).digest).not.toBe(review.digest);
  });
});
