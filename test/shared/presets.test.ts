import { describe, expect, test } from 'vitest';
import { PRESETS, presetById, profileFromPreset } from '../../shared/presets';
import { ConnectionProfileSchema } from '../../shared/profile';

/** Provider presets (issue 13 §2) as data: every one builds a valid profile for every grant it offers. */
const sample: Record<string, string> = {
  tenant: 'contoso.onmicrosoft.com',
  domain: 'example.okta.com',
  'base-url': 'https://sso.example.com',
  realm: 'demo',
  host: 'fs.example.com',
  region: 'eu-west-1',
  'user-pool-id': 'eu-west-1_AbC123',
  issuer: 'https://idp.example.com',
  resource: 'https://api.example.com',
  'client-id': 'client-1',
  key: 'my-key',
  username: 'integration@example.com',
  scope: 'api/read',
  audience: 'https://api.example.com',
};

describe.each(PRESETS.map((p) => [p.id, p] as const))('preset %s', (_id, preset) => {
  test('documents itself from https pages and names every placeholder as an input', () => {
    expect(preset.docs.length).toBeGreaterThan(0);
    for (const d of preset.docs) expect(new URL(d).protocol).toBe('https:');
    const names = new Set(preset.inputs.map((i) => i.name));
    expect(names.size).toBe(preset.inputs.length);
    const templates = JSON.stringify(preset.rules);
    for (const m of templates.matchAll(/\{([a-z][a-z0-9-]*)\}/g)) expect(names, `{${m[1]}} in ${preset.id}`).toContain(m[1]);
  });

  const grants = preset.inputs.find((i) => i.name === 'grant')?.choices ?? [];
  test.each(grants.map((g) => [g]))('grant %s gives a profile the schema accepts', (grant) => {
    const inputs = Object.fromEntries(preset.inputs.filter((i) => sample[i.name] !== undefined && i.name !== 'grant').map((i) => [i.name, sample[i.name] as string]));
    const draft = profileFromPreset(preset, { ...inputs, grant }, `${preset.name} ${grant}`);
    const parsed = ConnectionProfileSchema.safeParse({ ...draft.profile, id: 'x' });
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
    expect(draft.profile.clientId).toBe('client-1');
    expect(JSON.stringify(draft.profile)).not.toMatch(/\{[a-z-]+\}/);
  });
});

test('Google asks for a refresh token the Google way (access_type=offline, prompt=consent), not offline_access', () => {
  const d = profileFromPreset(presetById('google')!, { 'client-id': 'x.apps.googleusercontent.com' });
  expect(d.profile.issuer).toBe('https://accounts.google.com');
  expect(d.profile.params?.authorization).toEqual([{ name: 'access_type', value: 'offline' }, { name: 'prompt', value: 'consent' }]);
  expect(d.profile.scopes).not.toContain('offline_access');
});

test('Okta: custom authorization server by default, the org server on request', () => {
  const okta = presetById('okta')!;
  expect(profileFromPreset(okta, { domain: 'example.okta.com', 'client-id': 'c' }).profile.issuer).toBe('https://example.okta.com/oauth2/default');
  expect(profileFromPreset(okta, { domain: 'example.okta.com', 'client-id': 'c', server: 'org' }).profile.issuer).toBe('https://example.okta.com');
});

test('Keycloak: the realm URL, without a doubled slash', () => {
  expect(profileFromPreset(presetById('keycloak')!, { 'base-url': 'https://sso.example.com/', realm: 'demo', 'client-id': 'c' }).profile.issuer).toBe('https://sso.example.com/realms/demo');
});

test('ensure-preset-with-a-choice-outside-its-list-fails', () => {
  expect(() => profileFromPreset(presetById('entra')!, { tenant: 't', 'client-id': 'c', version: 'v3' })).toThrow(/version must be one of v2, v1/);
});
