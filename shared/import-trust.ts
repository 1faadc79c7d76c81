import { WorkbenchError } from './errors';
import { ASSERTION_LIFETIME_HARD_CAP_SECONDS, cappedAssertionLifetime } from './assertion-limits';
import type { ConnectionGroup, ConnectionProfile } from './profile';
import { fieldLabel } from './field-labels';

/**
 * Import trust (issue 11): what of a profile that came from a file must be
 * reviewed before the user's keys act on it, and what counts as moving a
 * profile's requests (and so its stored secrets) somewhere else. A keystore
 * alias and JWT bearer claims from a file would otherwise make the user's key
 * sign whatever the file says and send it wherever the file says.
 */

/**
 * Where a URL sends: scheme, host and port as the URL standard normalises them (host lower-cased, default
 * port dropped); path, query and user info do not count. A value that is no URL (a `{{variable}}` template)
 * stands for itself.
 */
export function requestOrigin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

/**
 * An issuer whose metadata is read (discovery on) names its whole metadata document, not only a server: on a
 * host shared by many tenants (`https://login.example/{tenant}`) another path is another party's metadata, which
 * lists whatever endpoints it likes. So it counts with its path (trailing "/" dropped); without discovery the
 * endpoints are typed and checked one by one, and the issuer is only its origin.
 */
export function issuerIdentity(url: string | undefined, discovery: boolean): string | undefined {
  if (!discovery || !url) return requestOrigin(url);
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

/**
 * Where a profile's requests go and how the server is authenticated, with its group's defaults applied as the
 * app applies them (ServiceContext.effective). Two profiles with the same destinations send the same secrets to
 * the same servers; the keys are the names users see ("… changed").
 */
export function destinationsOf(p: ConnectionProfile, group: ConnectionGroup | undefined): Record<string, string | boolean | undefined> {
  const d = group?.defaults;
  const out: Record<string, string | boolean | undefined> = {
    issuer: issuerIdentity(p.issuer ?? d?.issuer, p.discovery),
    redirect: p.redirect.mode === 'fixed' ? requestOrigin(p.redirect.url) : undefined,
    proxy: requestOrigin(p.network.proxy ?? d?.network?.proxy),
    caFile: p.network.caFile ?? d?.network?.caFile,
    insecureSkipTlsVerify: p.network.insecureSkipTlsVerify || (d?.network?.insecureSkipTlsVerify ?? false),
    // PAR carries the client's authentication; RFC 7592 calls carry the registration access token.
    'authorizationRequest.parEndpoint': requestOrigin(p.authorizationRequest.parEndpoint),
    'registration.registrationClientUri': requestOrigin(p.registration?.registrationClientUri),
    // Saved API requests are sent with the profile's last token.
    apiRequests: p.apiRequests.length ? [...new Set(p.apiRequests.map((r) => requestOrigin(r.url)))].sort().join(' ') : undefined,
  };
  for (const [name, url] of Object.entries(p.endpoints)) out[`endpoints.${name}`] = requestOrigin(url);
  // Whatever else a group carries (settings added later, such as environments whose variables fill in URLs)
  // may change where its members' requests go: a change there counts as a move until shown otherwise.
  if (group) {
    const { id: _id, name: _name, defaults, ...extras } = group as ConnectionGroup & Record<string, unknown>;
    const { issuer: _i, network: _n, ...otherDefaults } = (defaults ?? {}) as Record<string, unknown>;
    if (Object.keys(extras).length || Object.keys(otherDefaults).length) out.groupSettings = JSON.stringify([extras, otherDefaults]);
  }
  return out;
}

/** The destinations (keys of destinationsOf) that moved: a new origin, another proxy or CA, verification turned off. */
export function movedDestinations(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[key] === after[key]) continue;
    // Turning verification back on sends nothing anywhere new.
    if (key === 'insecureSkipTlsVerify' && after[key] === false) continue;
    changed.push(key);
  }
  return changed;
}

/** Names a user knows for the keys of destinationsOf (some are schema paths, some stand for several fields). */
const DESTINATION_LABELS: Record<string, string> = {
  issuer: 'Issuer',
  redirect: 'Redirect URL',
  proxy: 'Proxy',
  caFile: 'Extra CA bundle',
  insecureSkipTlsVerify: 'TLS verification turned off',
  'authorizationRequest.parEndpoint': 'PAR endpoint',
  'registration.registrationClientUri': 'Registration client URI',
  apiRequests: 'API request URLs',
  groupSettings: "The group's settings",
};

/** "endpoints.token" → "Token endpoint", "apiRequests" → "API request URLs": what moved, in the user's words. */
export function destinationLabel(key: string): string {
  const known = DESTINATION_LABELS[key];
  if (known) return known;
  if (key.startsWith('endpoints.')) {
    const label = fieldLabel(key.split('.'));
    return label === key ? `${key.slice('endpoints.'.length)} endpoint` : label;
  }
  return key;
}

/** One line of the review the user confirms. */
export interface ImportReviewField {
  /** Path in the profile, e.g. "clientAuth.keyAlias". */
  field: string;
  label: string;
  value: string;
  /** Part of what is confirmed (the rest is shown as context: where the assertion goes, its lifetime). */
  reviewed: boolean;
}

/** The fields of a profile whose values a file must not get used without review. */
export function reviewableValues(p: ConnectionProfile): Array<[field: string, label: string, value: unknown]> {
  const out: Array<[string, string, unknown]> = [];
  if (p.clientAuth.keyAlias) out.push(['clientAuth.keyAlias', 'Signing key (keystore alias)', p.clientAuth.keyAlias]);
  if (p.clientAuth.tlsKeyAlias) out.push(['clientAuth.tlsKeyAlias', 'TLS client key (keystore alias)', p.clientAuth.tlsKeyAlias]);
  if (p.jwtBearerClaims && Object.keys(p.jwtBearerClaims).length) out.push(['jwtBearerClaims', 'JWT bearer assertion claims', p.jwtBearerClaims]);
  // DPoP proofs (issue 14) are signed with this key too.
  if (p.dpop?.keyAlias) out.push(['dpop.keyAlias', 'DPoP proof key (keystore alias)', p.dpop.keyAlias]);
  // Request objects (RFC 9101) carry the profile's authorization parameters, signed with this key;
  // JARM responses are decrypted with that one.
  const ar = p.authorizationRequest;
  if (ar.requestObjectKeyAlias) out.push(['authorizationRequest.requestObjectKeyAlias', 'Request object signing key (keystore alias)', ar.requestObjectKeyAlias]);
  if (ar.jarmDecryptionKeyAlias) out.push(['authorizationRequest.jarmDecryptionKeyAlias', 'JARM decryption key (keystore alias)', ar.jarmDecryptionKeyAlias]);
  return out;
}

/** What the user is shown when asked to confirm: the reviewed values, and where and how long they are used. */
export function importReviewFields(p: ConnectionProfile): ImportReviewField[] {
  const fields: ImportReviewField[] = reviewableValues(p).map(([field, label, value]) => ({
    field,
    label,
    value: typeof value === 'string' ? value : JSON.stringify(value, null, 2),
    reviewed: true,
  }));
  if (!fields.length) return fields;
  const ctx = (field: string, label: string, value: unknown) => {
    if (value !== undefined && value !== '') fields.push({ field, label, value: String(value), reviewed: false });
  };
  ctx('clientAuth.method', 'Client authentication', p.clientAuth.method);
  ctx('grantType', 'Grant', p.grantType);
  ctx('clientAuth.signingAlg', 'Signing algorithm', p.clientAuth.signingAlg);
  ctx('issuer', 'Issuer', p.issuer);
  ctx('endpoints.token', 'Token endpoint', p.endpoints.token);
  ctx('clientAuth.assertionAudience', 'Assertion audience', p.clientAuth.assertionAudience);
  const lifetime = cappedAssertionLifetime(p.clientAuth.assertionLifetime);
  ctx(
    'clientAuth.assertionLifetime',
    'Assertion lifetime',
    `${lifetime} s${p.clientAuth.assertionLifetime > ASSERTION_LIFETIME_HARD_CAP_SECONDS ? ` (the profile asks for ${p.clientAuth.assertionLifetime} s; capped)` : ''}; exp/iat/nbf in the claims are set by the engine`,
  );
  return fields;
}

/** True while the profile came from a file and its key aliases / claims have not been confirmed. */
export function awaitsImportReview(p: ConnectionProfile): boolean {
  return p.imported?.confirmed === false && reviewableValues(p).length > 0;
}

/**
 * Throws IMPORT_NOT_CONFIRMED when a run is about to use what an unconfirmed
 * import brought: `uses` names what the run needs (a subset of reviewableValues' fields).
 */
export function assertImportConfirmed(p: ConnectionProfile, uses: string[]): void {
  if (p.imported?.confirmed !== false) return;
  const pending = reviewableValues(p).filter(([field]) => uses.includes(field));
  if (!pending.length) return;
  const what = pending.map(([, label, value]) => (typeof value === 'string' ? `${label} "${value}"` : label)).join(' and ');
  throw new WorkbenchError(
    'IMPORT_NOT_CONFIRMED',
    `profile "${p.name}" was imported from a file: review and confirm its ${what} before it is used (in the app: the profile's "Review imported settings"; CLI: tokenbench profiles confirm "${p.name}")`,
    { details: { profileId: p.id, confirm: pending.map(([field]) => field) } },
  );
}
