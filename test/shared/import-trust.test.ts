import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import {
  issuerIdentity,
  assertImportConfirmed,
  awaitsImportReview,
  destinationLabel,
  destinationsOf,
  importReviewFields,
  movedDestinations,
  requestOrigin,
  reviewableValues,
} from '../../shared/import-trust';
import { ConnectionGroupSchema, ConnectionProfileSchema, EndpointsSchema, type ConnectionGroup, type ConnectionProfile, type ConnectionProfileInput } from '../../shared/profile';

/**
 * Import trust (issue 11), the pure rules on their own: what counts as moving a
 * profile's requests (and so its stored secrets) elsewhere, and what an import
 * must have confirmed before the user's keys act on it. Tables, no I/O.
 */
const profile = (p: Partial<ConnectionProfileInput> = {}): ConnectionProfile =>
  ConnectionProfileSchema.parse({ id: 'p', name: 'Partner API', grantType: 'client_credentials', clientId: 'c', ...p });
const group = (g: Partial<ConnectionGroup> = {}): ConnectionGroup => ConnectionGroupSchema.parse({ id: 'g', name: 'Team', ...g });
const unconfirmed = { at: '2026-01-01T00:00:00Z', confirmed: false };

/** What moved between two profiles (each with its group). */
const moved = (before: ConnectionProfile, after: ConnectionProfile, groupBefore?: ConnectionGroup, groupAfter = groupBefore) =>
  movedDestinations(destinationsOf(before, groupBefore), destinationsOf(after, groupAfter));

const ENDPOINT_NAMES = Object.keys(EndpointsSchema.shape) as Array<keyof typeof EndpointsSchema.shape>;

/** A profile that uses every field that says where requests go. */
const base = profile({
  issuer: 'https://as.example/tenant',
  endpoints: Object.fromEntries(ENDPOINT_NAMES.map((n) => [n, `https://as.example/${n}`])),
  redirect: { mode: 'fixed', url: 'https://app.example/cb' },
  network: { proxy: 'http://proxy.example:3128', caFile: '/etc/ca.pem', insecureSkipTlsVerify: false, timeoutMs: 30_000 },
  authorizationRequest: { parEndpoint: 'https://as.example/par' },
  registration: { registrationClientUri: 'https://as.example/register/c' },
  apiRequests: [{ id: 'r1', name: 'orders', url: 'https://api.example/orders' }],
});
const withNetwork = (n: Partial<ConnectionProfile['network']>) => ({ ...base, network: { ...base.network, ...n } });
const withEndpoint = (name: string, url: string | undefined) => ({ ...base, endpoints: { ...base.endpoints, [name]: url } });

describe('requestOrigin: scheme, host and port as the URL standard normalises them', () => {
  it.each([
    ['https://as.example/tenant/x?q=1#f', 'https://as.example'],
    ['HTTPS://AS.Example/tenant', 'https://as.example'],
    ['https://as.example:443/', 'https://as.example'],
    ['http://as.example:80/x', 'http://as.example'],
    ['https://as.example:8443/x', 'https://as.example:8443'],
    ['http://as.example/x', 'http://as.example'],
    ['https://user:pw@as.example/x', 'https://as.example'],
    ['https://as.example.', 'https://as.example.'],
    ['{{host}}/token', '{{host}}/token'],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (url, origin) => {
    expect(requestOrigin(url)).toBe(origin);
  });
});

describe('destinations: every field that moves requests, changed alone, is detected and named', () => {
  it('the profile’s destinations, as users see them named', () => {
    expect(destinationsOf(base, undefined)).toEqual({
      issuer: 'https://as.example/tenant',
      redirect: 'https://app.example',
      proxy: 'http://proxy.example:3128',
      caFile: '/etc/ca.pem',
      insecureSkipTlsVerify: false,
      'authorizationRequest.parEndpoint': 'https://as.example',
      'registration.registrationClientUri': 'https://as.example',
      apiRequests: 'https://api.example',
      ...Object.fromEntries(ENDPOINT_NAMES.map((n) => [`endpoints.${n}`, 'https://as.example'])),
    });
  });

  it('every destination has a name a user knows (what the import report and the CLI say moved)', () => {
    const keys = [...Object.keys(destinationsOf(base, undefined)), 'groupSettings'];
    const labels = keys.map(destinationLabel);
    for (const [i, label] of labels.entries()) expect(label, keys[i]).not.toMatch(/^[a-z]+[A-Z.]|\./);
    expect(destinationLabel('endpoints.token')).toBe('Token endpoint');
    for (const n of ENDPOINT_NAMES) expect(destinationLabel(`endpoints.${n}`), n).toMatch(/^[A-Z][A-Za-z ()]+$|^JWKS URI$/);
    // A future endpoint without a label still reads as one.
    expect(destinationLabel('endpoints.pushed_authorization_request')).toBe('pushed_authorization_request endpoint');
    // A key no version names yet is shown as it is, not dressed up as an endpoint.
    expect(destinationLabel('somethingNew')).toBe('somethingNew');
    expect(destinationLabel('apiRequests')).toBe('API request URLs');
    expect(destinationLabel('insecureSkipTlsVerify')).toBe('TLS verification turned off');
  });

  it.each<[string, ConnectionProfile, string[]]>([
    ['issuer host', { ...base, issuer: 'https://evil.example/tenant' }, ['issuer']],
    ['issuer port', { ...base, issuer: 'https://as.example:8443/tenant' }, ['issuer']],
    ['issuer scheme', { ...base, issuer: 'http://as.example/tenant' }, ['issuer']],
    ['issuer removed', { ...base, issuer: undefined }, ['issuer']],
    ...ENDPOINT_NAMES.map((n): [string, ConnectionProfile, string[]] => [`${n} endpoint`, withEndpoint(n, `https://evil.example/${n}`), [`endpoints.${n}`]]),
    ['token endpoint removed (discovered instead)', withEndpoint('token', undefined), ['endpoints.token']],
    ['fixed redirect URL', { ...base, redirect: { mode: 'fixed', url: 'https://evil.example/cb' } }, ['redirect']],
    ['redirect mode', { ...base, redirect: { mode: 'loopback', url: 'https://app.example/cb' } }, ['redirect']],
    ['proxy', withNetwork({ proxy: 'http://127.0.0.1:1' }), ['proxy']],
    ['proxy removed', withNetwork({ proxy: undefined }), ['proxy']],
    ['CA bundle', withNetwork({ caFile: '/tmp/evil.pem' }), ['caFile']],
    ['TLS verification off', withNetwork({ insecureSkipTlsVerify: true }), ['insecureSkipTlsVerify']],
    ['PAR endpoint', { ...base, authorizationRequest: { ...base.authorizationRequest, parEndpoint: 'https://evil.example/par' } }, ['authorizationRequest.parEndpoint']],
    ['registration client URI', { ...base, registration: { registrationClientUri: 'https://evil.example/register/c' } }, ['registration.registrationClientUri']],
    ['an API request to another origin', { ...base, apiRequests: [...base.apiRequests, { ...base.apiRequests[0]!, id: 'r2', url: 'https://evil.example/x' }] }, ['apiRequests']],
    ['API requests removed', { ...base, apiRequests: [] }, ['apiRequests']],
  ])('%s', (_what, after, names) => {
    expect(moved(base, after)).toEqual(names);
  });

  it('an endpoint the profile did not have is named too', () => {
    const without = { ...base, endpoints: { token: 'https://as.example/token' } };
    expect(moved(without, { ...without, endpoints: { ...without.endpoints, revocation: 'https://evil.example/r' } })).toEqual(['endpoints.revocation']);
  });

  it.each<[string, ConnectionProfile]>([
    // The documented rule: origins count, paths do not (the same server gets the secrets) — except the
    // path of an issuer whose metadata is read (tested below).
    ['issuer host case, default port, trailing slash', { ...base, issuer: 'HTTPS://AS.EXAMPLE:443/tenant/' }],
    ['token endpoint path and query', withEndpoint('token', 'https://as.example/v2/token?x=1')],
    ['fixed redirect path', { ...base, redirect: { mode: 'fixed', url: 'https://app.example:443/other' } }],
    ['proxy user info and path', withNetwork({ proxy: 'http://u:p@PROXY.example:3128/' })],
    ['PAR endpoint path', { ...base, authorizationRequest: { ...base.authorizationRequest, parEndpoint: 'https://as.example/v2/par' } }],
    ['registration client URI path', { ...base, registration: { registrationClientUri: 'https://as.example/register/other' } }],
    ['another API request to a known origin', { ...base, apiRequests: [{ ...base.apiRequests[0]!, id: 'r0', url: 'https://api.example/a' }, ...base.apiRequests] }],
    ['timeout, scopes, client id', { ...withNetwork({ timeoutMs: 5000 }), scopes: ['a'], clientId: 'other' }],
  ])('moves nothing: %s', (_what, after) => {
    expect(moved(base, after)).toEqual([]);
  });

  it('ensure-issuer-path-change-with-discovery-counts-as-a-move: another tenant on the same host is another party', () => {
    expect(moved(base, { ...base, issuer: 'https://as.example/other-tenant' })).toEqual(['issuer']);
    expect(moved(base, { ...base, issuer: 'https://as.example/tenant/sub' })).toEqual(['issuer']);
    expect(moved(base, { ...base, issuer: 'https://as.example/tenant//' })).toEqual([]);
    // Without discovery the endpoints are typed (and compared one by one); the issuer is only its origin.
    const typed = { ...base, discovery: false };
    expect(moved(typed, { ...typed, issuer: 'https://as.example/other-tenant' })).toEqual([]);
    expect(moved(typed, { ...typed, issuer: 'https://evil.example/tenant' })).toEqual(['issuer']);
    // Turning discovery on lets the issuer's metadata choose the endpoints: a move.
    expect(moved(typed, base)).toEqual(['issuer']);
    expect(issuerIdentity('https://AS.example:443/tenant/', true)).toBe('https://as.example/tenant');
    expect(issuerIdentity('https://as.example/', true)).toBe('https://as.example');
    expect(issuerIdentity('https://as.example/tenant', false)).toBe('https://as.example');
    expect(issuerIdentity('{{issuer}}', true)).toBe('{{issuer}}');
    expect(issuerIdentity(undefined, true)).toBeUndefined();
    expect(issuerIdentity('', true)).toBeUndefined();
  });

  it('turning TLS verification back on moves nothing; turning it off does', () => {
    const insecure = withNetwork({ insecureSkipTlsVerify: true });
    expect(moved(insecure, base)).toEqual([]);
    expect(moved(base, insecure)).toEqual(['insecureSkipTlsVerify']);
  });

  it('a loopback redirect has no fixed destination, whatever URL it keeps', () => {
    const loopback = profile({ redirect: { mode: 'loopback', url: 'https://app.example/cb' } });
    expect(destinationsOf(loopback, undefined).redirect).toBeUndefined();
    expect(destinationsOf(profile(), undefined)).toEqual({ issuer: undefined, redirect: undefined, proxy: undefined, caFile: undefined, insecureSkipTlsVerify: false, 'authorizationRequest.parEndpoint': undefined, 'registration.registrationClientUri': undefined, apiRequests: undefined });
  });

  it('API request origins are a set: order and repeats do not count', () => {
    const api = (...urls: string[]) => profile({ apiRequests: urls.map((url, i) => ({ id: `r${i}`, name: `r${i}`, url })) });
    expect(destinationsOf(api('https://b.example/1', 'https://a.example/2', 'https://b.example/3'), undefined).apiRequests).toBe('https://a.example https://b.example');
    expect(moved(api('https://b.example/1', 'https://a.example/2'), api('https://a.example/x', 'https://b.example/y', 'https://a.example/z'))).toEqual([]);
  });
});

describe('group defaults against profile values', () => {
  const member = profile({ groupId: 'g' });
  const g = group({ defaults: { issuer: 'https://as.example/tenant', network: { proxy: 'http://proxy.example:3128', caFile: '/etc/ca.pem', insecureSkipTlsVerify: false } } });
  const withDefaults = (d: ConnectionGroup['defaults']) => ({ ...g, defaults: { ...g.defaults, ...d } });
  const withNet = (n: NonNullable<ConnectionGroup['defaults']['network']>) => withDefaults({ network: { ...g.defaults.network, ...n } });

  it('a member without its own values gets the group’s', () => {
    expect(destinationsOf(member, g)).toMatchObject({ issuer: 'https://as.example/tenant', proxy: 'http://proxy.example:3128', caFile: '/etc/ca.pem', insecureSkipTlsVerify: false });
  });

  it.each<[string, ConnectionGroup, string[]]>([
    ['issuer', withDefaults({ issuer: 'https://evil.example' }), ['issuer']],
    ['proxy', withNet({ proxy: 'http://evil.example:3128' }), ['proxy']],
    ['CA bundle', withNet({ caFile: '/tmp/evil.pem' }), ['caFile']],
    ['TLS verification off', withNet({ insecureSkipTlsVerify: true }), ['insecureSkipTlsVerify']],
    ['issuer and proxy', { ...g, defaults: { issuer: 'https://evil.example', network: { proxy: 'http://evil.example:1' } } }, ['issuer', 'proxy', 'caFile']],
  ])('a group default that moves its members: %s', (_what, after, names) => {
    expect(moved(member, member, g, after)).toEqual(names);
  });

  it('a group without network defaults, or no group at all', () => {
    expect(destinationsOf(member, group({ defaults: { issuer: 'https://as.example' } }))).toMatchObject({ issuer: 'https://as.example', proxy: undefined, caFile: undefined, insecureSkipTlsVerify: false });
    expect(movedDestinations(destinationsOf(member, g), destinationsOf(member, undefined))).toEqual(['issuer', 'proxy', 'caFile']);
  });

  it('a member’s own values win over the group’s: the group’s changes do not move it', () => {
    const own = profile({ groupId: 'g', issuer: 'https://own.example', network: { proxy: 'http://own.example:1', caFile: '/own.pem', insecureSkipTlsVerify: false, timeoutMs: 1000 } });
    expect(destinationsOf(own, g)).toMatchObject({ issuer: 'https://own.example', proxy: 'http://own.example:1', caFile: '/own.pem' });
    const hostile = group({ defaults: { issuer: 'https://evil.example', network: { proxy: 'http://evil.example:1', caFile: '/tmp/evil.pem' } } });
    expect(moved(own, own, g, hostile)).toEqual([]);
  });

  it('TLS verification is off when the member or its group turns it off', () => {
    const insecureMember = profile({ groupId: 'g', network: { insecureSkipTlsVerify: true, timeoutMs: 1000 } });
    expect(destinationsOf(insecureMember, g).insecureSkipTlsVerify).toBe(true);
    expect(destinationsOf(member, withNet({ insecureSkipTlsVerify: true })).insecureSkipTlsVerify).toBe(true);
    expect(destinationsOf(member, group()).insecureSkipTlsVerify).toBe(false);
  });

  it('group settings beyond issuer and network count as a destination; name and id do not', () => {
    expect(destinationsOf(member, g)).not.toHaveProperty('groupSettings');
    expect(moved(member, member, g, { ...g, name: 'Renamed', id: 'other' })).toEqual([]);
    const env = (host: string): ConnectionGroup => ({ ...g, environments: [{ id: 'prod', name: 'prod', variables: [{ name: 'host', value: host, secret: false }] }] });
    expect(destinationsOf(member, env('a.example')).groupSettings).toBe(JSON.stringify([{ environments: env('a.example').environments }, {}]));
    expect(moved(member, member, env('a.example'), env('b.example'))).toEqual(['groupSettings']);
    expect(moved(member, member, g, { ...g, activeEnvironmentId: 'prod' })).toEqual(['groupSettings']);
    // A default added later (or written by a newer version) counts until shown otherwise.
    const later = { ...g, defaults: { ...g.defaults, scopes: ['x'] } } as unknown as ConnectionGroup;
    expect(destinationsOf(member, later).groupSettings).toBe(JSON.stringify([{}, { scopes: ['x'] }]));
    // A group stored without defaults has none.
    const bare = { id: 'g', name: 'Team' } as unknown as ConnectionGroup;
    expect(destinationsOf(member, bare)).toEqual(destinationsOf(member, undefined));
  });
});

describe('movedDestinations on its own', () => {
  it('names every key that differs, in order, counted from either side', () => {
    expect(movedDestinations({ a: 'x', b: 'y' }, { a: 'x', b: 'z', c: 'w' })).toEqual(['b', 'c']);
    expect(movedDestinations({ a: 'x', b: 'y' }, { a: 'x' })).toEqual(['b']);
    expect(movedDestinations({}, {})).toEqual([]);
  });

  it('only TLS verification turned back on is exempt', () => {
    expect(movedDestinations({ insecureSkipTlsVerify: true }, { insecureSkipTlsVerify: false })).toEqual([]);
    expect(movedDestinations({ insecureSkipTlsVerify: true }, {})).toEqual(['insecureSkipTlsVerify']);
    expect(movedDestinations({ other: true }, { other: false })).toEqual(['other']);
  });
});

describe('what an import must have confirmed before a key or claims are used', () => {
  const keyed = {
    clientAuth: { method: 'private_key_jwt', keyAlias: 'signing-key', tlsKeyAlias: 'tls-key', signingAlg: 'PS256' },
    jwtBearerClaims: { aud: 'https://anywhere.example', exp: 4_102_444_800 },
    dpop: { enabled: true, keyAlias: 'dpop-key' },
    authorizationRequest: { requestObject: 'signed', requestObjectKeyAlias: 'jar-key', jarmDecryptionKeyAlias: 'jarm-key' },
  } satisfies Partial<ConnectionProfileInput>;

  it('every key and claims kind, with its label and value', () => {
    expect(reviewableValues(profile(keyed))).toEqual([
      ['clientAuth.keyAlias', 'Signing key (keystore alias)', 'signing-key'],
      ['clientAuth.tlsKeyAlias', 'TLS client key (keystore alias)', 'tls-key'],
      ['jwtBearerClaims', 'JWT bearer assertion claims', keyed.jwtBearerClaims],
      ['dpop.keyAlias', 'DPoP proof key (keystore alias)', 'dpop-key'],
      ['authorizationRequest.requestObjectKeyAlias', 'Request object signing key (keystore alias)', 'jar-key'],
      ['authorizationRequest.jarmDecryptionKeyAlias', 'JARM decryption key (keystore alias)', 'jarm-key'],
    ]);
  });

  it.each<[string, Partial<ConnectionProfileInput>, string[]]>([
    ['signing key', { clientAuth: { method: 'private_key_jwt', keyAlias: 'k' } }, ['clientAuth.keyAlias']],
    ['TLS key', { clientAuth: { method: 'tls_client_auth', tlsKeyAlias: 'k' } }, ['clientAuth.tlsKeyAlias']],
    ['JWT bearer claims', { jwtBearerClaims: { sub: 'x' } }, ['jwtBearerClaims']],
    ['DPoP key', { dpop: { enabled: true, keyAlias: 'k' } }, ['dpop.keyAlias']],
    ['request object key', { authorizationRequest: { requestObjectKeyAlias: 'k' } }, ['authorizationRequest.requestObjectKeyAlias']],
    ['JARM decryption key', { authorizationRequest: { jarmDecryptionKeyAlias: 'k' } }, ['authorizationRequest.jarmDecryptionKeyAlias']],
    ['nothing: empty claims, DPoP without alias, secret auth', { jwtBearerClaims: {}, dpop: { enabled: true }, clientAuth: { method: 'client_secret_basic' } }, []],
  ])('%s alone', (_what, p, fields) => {
    const imported = profile({ ...p, imported: unconfirmed });
    expect(reviewableValues(imported).map(([f]) => f)).toEqual(fields);
    expect(awaitsImportReview(imported)).toBe(fields.length > 0);
    const run = () => assertImportConfirmed(imported, fields);
    if (fields.length) expect(run).toThrow(WorkbenchError);
    else expect(run).not.toThrow();
  });

  it('awaits review only while an import with keys or claims is unconfirmed', () => {
    expect(awaitsImportReview(profile(keyed))).toBe(false);
    expect(awaitsImportReview(profile({ ...keyed, imported: { ...unconfirmed, confirmed: true } }))).toBe(false);
    expect(awaitsImportReview(profile({ ...keyed, imported: unconfirmed }))).toBe(true);
    expect(awaitsImportReview(profile({ imported: unconfirmed }))).toBe(false);
  });

  it('a run of a profile not imported, or confirmed, is never refused', () => {
    expect(() => assertImportConfirmed(profile(keyed), ['clientAuth.keyAlias'])).not.toThrow();
    expect(() => assertImportConfirmed(profile({ ...keyed, imported: { ...unconfirmed, confirmed: true } }), ['clientAuth.keyAlias'])).not.toThrow();
  });

  it('a run that uses none of the pending values is not refused', () => {
    const p = profile({ clientAuth: { method: 'private_key_jwt', keyAlias: 'k' }, imported: unconfirmed });
    expect(() => assertImportConfirmed(p, [])).not.toThrow();
    expect(() => assertImportConfirmed(p, ['jwtBearerClaims', 'dpop.keyAlias'])).not.toThrow();
  });

  it('the refusal names the profile, what to confirm (aliases quoted, claims by name) and how', () => {
    const p = profile({ ...keyed, id: 'id-1', name: 'Partner API', imported: unconfirmed });
    let refusal: unknown;
    try {
      assertImportConfirmed(p, ['jwtBearerClaims', 'clientAuth.keyAlias', 'unrelated']);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(WorkbenchError);
    expect(refusal).toMatchObject({
      code: 'IMPORT_NOT_CONFIRMED',
      message:
        'profile "Partner API" was imported from a file: review and confirm its Signing key (keystore alias) "signing-key" and JWT bearer assertion claims before it is used (in the app: the profile\'s "Review imported settings"; CLI: tokenbench profiles confirm "Partner API")',
      details: { profileId: 'id-1', confirm: ['clientAuth.keyAlias', 'jwtBearerClaims'] },
    });
    expect(() => assertImportConfirmed(p, ['dpop.keyAlias'])).toThrow(/confirm its DPoP proof key \(keystore alias\) "dpop-key" before/);
  });
});

describe('the review the user confirms', () => {
  it('nothing to review: no fields at all', () => {
    expect(importReviewFields(profile({ issuer: 'https://as.example', endpoints: { token: 'https://as.example/t' } }))).toEqual([]);
  });

  it('reviewed values (claims as indented JSON), then where and how long they are used', () => {
    const p = profile({
      grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      issuer: 'https://as.example',
      endpoints: { token: 'https://as.example/token' },
      clientAuth: { method: 'private_key_jwt', keyAlias: 'signing-key', signingAlg: 'ES256', assertionAudience: 'issuer', assertionLifetime: 300 },
      jwtBearerClaims: { aud: 'x' },
    });
    expect(importReviewFields(p)).toEqual([
      { field: 'clientAuth.keyAlias', label: 'Signing key (keystore alias)', value: 'signing-key', reviewed: true },
      { field: 'jwtBearerClaims', label: 'JWT bearer assertion claims', value: '{\n  "aud": "x"\n}', reviewed: true },
      { field: 'clientAuth.method', label: 'Client authentication', value: 'private_key_jwt', reviewed: false },
      { field: 'grantType', label: 'Grant', value: 'urn:ietf:params:oauth:grant-type:jwt-bearer', reviewed: false },
      { field: 'clientAuth.signingAlg', label: 'Signing algorithm', value: 'ES256', reviewed: false },
      { field: 'issuer', label: 'Issuer', value: 'https://as.example', reviewed: false },
      { field: 'endpoints.token', label: 'Token endpoint', value: 'https://as.example/token', reviewed: false },
      { field: 'clientAuth.assertionAudience', label: 'Assertion audience', value: 'issuer', reviewed: false },
      { field: 'clientAuth.assertionLifetime', label: 'Assertion lifetime', value: '300 s; exp/iat/nbf in the claims are set by the engine', reviewed: false },
    ]);
  });

  it('context left unset (or empty) is not shown', () => {
    const p = { ...profile({ clientAuth: { method: 'private_key_jwt', keyAlias: 'k' } }), issuer: '' };
    expect(importReviewFields(p).map((f) => f.field)).toEqual(['clientAuth.keyAlias', 'clientAuth.method', 'grantType', 'clientAuth.assertionAudience', 'clientAuth.assertionLifetime']);
  });

  it.each([
    [3600, '3600 s; exp/iat/nbf in the claims are set by the engine'],
    [3601, '3600 s (the profile asks for 3601 s; capped); exp/iat/nbf in the claims are set by the engine'],
    [86_400, '3600 s (the profile asks for 86400 s; capped); exp/iat/nbf in the claims are set by the engine'],
  ])('an assertion lifetime of %i s is shown as it will be signed', (assertionLifetime, shown) => {
    const p = profile({ clientAuth: { method: 'private_key_jwt', keyAlias: 'k', assertionLifetime } });
    expect(importReviewFields(p).find((f) => f.field === 'clientAuth.assertionLifetime')?.value).toBe(shown);
  });
});
