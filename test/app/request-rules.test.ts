import { describe, expect, test } from 'vitest';
import { toCurl } from '../../renderer/src/lib/curl';
import { GRANT_FIELDS, missingFields, shows } from '../../renderer/src/lib/profile-rules';
import { GRANT_TYPES } from '../../shared/grants';
import { ConnectionProfileSchema } from '../../shared/profile';
import type { HttpExchange } from '../../shared/transcript';

/** The request panel's rules (what a grant shows, what is missing) and "copy as curl". */
const profile = (input: Record<string, unknown>) => ConnectionProfileSchema.parse({ id: 'p', name: 'p', grantType: 'client_credentials', ...input });
const none = [] as Array<{ name: 'clientSecret' | 'password' | 'refreshToken'; set: boolean }>;

describe('request panel rules', () => {
  test('every grant has a field list', () => {
    for (const g of GRANT_TYPES) expect(Array.isArray(GRANT_FIELDS[g])).toBe(true);
    expect(shows('client_credentials', 'redirect')).toBe(false);
    expect(shows('authorization_code', 'redirect')).toBe(true);
    expect(shows('password', 'username')).toBe(true);
  });

  test('an empty client-credentials profile says what is missing', () => {
    expect(missingFields(profile({}), none, {})).toEqual(['Client ID', 'Token endpoint (or an issuer with discovery on)', 'Client secret']);
  });

  test('an issuer inherited from the group satisfies the endpoints', () => {
    const p = profile({ clientId: 'c', clientAuth: { method: 'none' } });
    expect(missingFields(p, none, {}, 'https://idp.example')).toEqual([]);
  });

  test('grant-specific inputs are required only for their grant', () => {
    const base = { clientId: 'c', issuer: 'https://idp.example', clientAuth: { method: 'none' } };
    expect(missingFields(profile({ ...base, grantType: 'password' }), none, {})).toEqual(['Username', 'Password']);
    expect(missingFields(profile({ ...base, grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' }), none, {})).toEqual(['Subject token']);
    expect(missingFields(profile({ ...base, grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' }), none, { subjectToken: 'x' })).toEqual([]);
    expect(missingFields(profile({ ...base, clientAuth: { method: 'private_key_jwt' } }), none, {})).toEqual(['Signing key (keystore alias)']);
  });

  test('copy as curl quotes shell metacharacters', () => {
    const exchange: HttpExchange = {
      kind: 'http',
      label: 'token request',
      from: 'workbench',
      to: 'authorization_server',
      startedAt: new Date(0).toISOString(),
      durationMs: 1,
      request: { method: 'POST', url: "https://idp.example/token?x='y'", headers: { authorization: 'Basic [redacted]', 'content-type': 'application/x-www-form-urlencoded' }, body: "a=$(rm -rf)&b='c'" },
    };
    const curl = toCurl(exchange);
    expect(curl).toContain("-X POST");
    expect(curl).toContain(`'https://idp.example/token?x='\\''y'\\'''`);
    // Form fields one by one, each single-quoted; the redacted Basic header as variables (issue 12 item 12).
    expect(curl).toContain(`--data-urlencode 'a=$(rm -rf)'`);
    expect(curl).toContain(`--data-urlencode 'b='\\''c'\\'''`);
    expect(curl).toContain('-u "$CLIENT_ID:$CLIENT_SECRET"');
  });
});
