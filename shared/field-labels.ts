/**
 * Names a user knows for the fields of profiles and groups, by schema path
 * (issue 12: "saveGroup: defaults.issuer: …" became "Default issuer: …").
 * Pure data, shared by the service's messages and the renderer's field errors.
 */
const LABELS: Record<string, string> = {
  name: 'Name',
  issuer: 'Issuer',
  'defaults.issuer': 'Default issuer',
  'defaults.network.proxy': 'Default proxy',
  'defaults.network.caFile': 'Default CA bundle',
  grantType: 'Grant type',
  clientId: 'Client ID',
  'clientAuth.method': 'Client authentication',
  'clientAuth.keyAlias': 'Signing key',
  'clientAuth.signingAlg': 'Signing algorithm',
  'clientAuth.tlsKeyAlias': 'Client certificate',
  'clientAuth.assertionLifetime': 'Assertion lifetime',
  scopes: 'Scopes',
  'redirect.url': 'Redirect URL',
  'redirect.mode': 'Redirect',
  pkce: 'PKCE',
  audience: 'Audience',
  resource: 'Resource indicators',
  username: 'Username',
  'network.proxy': 'Proxy',
  'network.caFile': 'Extra CA bundle',
  'network.timeoutMs': 'Timeout',
  'endpoints.authorization': 'Authorization endpoint',
  'endpoints.token': 'Token endpoint',
  'endpoints.device_authorization': 'Device authorization endpoint',
  'endpoints.introspection': 'Introspection endpoint',
  'endpoints.revocation': 'Revocation endpoint',
  'endpoints.userinfo': 'Userinfo endpoint',
  'endpoints.end_session': 'End session endpoint',
  'endpoints.jwks_uri': 'JWKS URI',
  'endpoints.backchannel_authentication': 'Backchannel authentication endpoint (CIBA)',
  'endpoints.registration': 'Registration endpoint',
  expectedAudience: 'Expected audience',
  'params.authorization': 'Authorization parameters',
  'params.token': 'Token parameters',
  'params.refresh': 'Refresh parameters',
  apiRequests: 'API requests',
  // Environments and variables (issue 13 §3)
  environments: 'Environments',
  'environments.name': 'Environment name',
  'environments.variables': 'Variables',
  'environments.variables.name': 'Variable name',
  'environments.variables.value': 'Variable value',
  activeEnvironmentId: 'Active environment',
  // Interop settings (issue 13), named as the request panel names them.
  interop: 'Interop settings',
  'interop.kid': 'kid in the assertion header',
  'interop.customKid': 'Custom kid',
  'interop.x5t': 'x5t header (SHA-1 certificate thumbprint)',
  'interop.x5tS256': 'x5t#S256 header (SHA-256 certificate thumbprint)',
  'interop.x5c': 'x5c header (certificate chain)',
  'interop.basicEncoding': 'Basic credentials encoding',
  'interop.requireAuthTime': 'Client registered with require_auth_time',
};

/** "defaults.issuer" → "Default issuer"; array indexes read as positions ("Scopes, item 3"); "profiles.2.clientId" → "Profile 3, Client ID". */
export function fieldLabel(path: ReadonlyArray<PropertyKey>): string {
  // A run's form travels as the argument's `draft`: its fields are the profile's.
  if (path[0] === 'draft') return fieldLabel(path.slice(1));
  const [head, position, ...rest] = path;
  if ((head === 'profiles' || head === 'groups') && typeof position === 'number')
    return `${head === 'profiles' ? 'Profile' : 'Group'} ${position + 1}${rest.length ? `, ${fieldLabel(rest)}` : ''}`;
  const keys = path.filter((k) => typeof k === 'string') as string[];
  const joined = keys.join('.');
  let label = LABELS[joined];
  if (!label) {
    // The longest known prefix names the field ("params.token.0.name" → "Token parameters").
    for (let n = keys.length - 1; n > 0 && !label; n--) label = LABELS[keys.slice(0, n).join('.')];
  }
  // The innermost position names the item (a variable of an environment: the variable's, not the environment's).
  const index = [...path].reverse().find((k) => typeof k === 'number');
  const base = label ?? (joined || 'the value');
  return typeof index === 'number' ? `${base}, item ${index + 1}` : base;
}

/** At most this many problems are listed in one message; the rest are counted. */
const MAX_LISTED = 3;

/** "Default issuer: must be an http(s) URL" — one sentence per problem, a few at most. */
export function describeFieldIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const listed = issues.slice(0, MAX_LISTED).map((i) => `${fieldLabel(i.path)}: ${lowerFirst(i.message)}`);
  const more = issues.length - listed.length;
  return `${listed.join('; ')}${more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : ''}`;
}

/** Problems by field path, for showing each next to its field. */
export function fieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Array<{ path: string; label: string; message: string }> {
  return issues.slice(0, 50).map((i) => ({ path: (i.path[0] === 'draft' ? i.path.slice(1) : i.path).map(String).join('.'), label: fieldLabel(i.path), message: lowerFirst(i.message) }));
}

/** Long schema texts (every option of an enum) are cut: the user needs the gist, not the schema. */
const MAX_MESSAGE_CHARS = 120;

function lowerFirst(s: string): string {
  const short = s.length > MAX_MESSAGE_CHARS ? `${s.slice(0, MAX_MESSAGE_CHARS).replace(/[\s|,"']+\S*$/, '')}…` : s;
  return short.length > 1 && /^[A-Z][a-z]/.test(short) ? short[0]!.toLowerCase() + short.slice(1) : short;
}
