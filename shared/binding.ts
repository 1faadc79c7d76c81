/**
 * Whether an access token is bound to what the client holds (issue 14):
 * DPoP (RFC 9449 §6, `cnf.jkt` = the proof key's thumbprint) or mutual TLS
 * (RFC 8705 §3.1, `cnf.x5t#S256` = the client certificate's SHA-256 thumbprint).
 * Pure data, shown by the CLI and the token view.
 */
export interface TokenBindingCheck {
  kind: 'dpop' | 'mtls';
  /** 'bound': the token names our key/certificate; 'mismatch': it names another; 'unbound': it names none; 'unknown': opaque token, nothing to read, or a cnf of another kind (cnf.jwk, cnf.kid) that cannot be compared. */
  status: 'bound' | 'mismatch' | 'unbound' | 'unknown';
  /** Where `cnf` was read: the JWT access token or an introspection response. */
  source?: 'jwt' | 'introspection';
  /** Our key's / certificate's thumbprint. */
  expected: string;
  /** The token's `cnf` member, when it has one. */
  actual?: string;
  /** `token_type` from the token response (DPoP tokens come as "DPoP"). */
  tokenType?: string;
  message: string;
}

/** Compares a token's `cnf` claim (JWT payload or introspection response) with the key or certificate we hold. */
export function checkBinding(kind: 'dpop' | 'mtls', expected: string, claims: Record<string, unknown> | undefined, source: 'jwt' | 'introspection' | undefined, tokenType?: string): TokenBindingCheck {
  const member = kind === 'dpop' ? 'jkt' : 'x5t#S256';
  const what = kind === 'dpop' ? 'DPoP key' : 'client certificate';
  const base = { kind, expected, ...(source ? { source } : {}), ...(tokenType ? { tokenType } : {}) };
  if (!claims) {
    const typeNote = kind === 'dpop' && tokenType && !/^dpop$/i.test(tokenType) ? ` — and the server answered token_type "${tokenType}", not "DPoP"` : '';
    return { ...base, status: 'unknown', message: `the access token is opaque: introspect it to see its cnf.${member}${typeNote}` };
  }
  const cnf = claims.cnf;
  const actual = cnf && typeof cnf === 'object' && !Array.isArray(cnf) ? (cnf as Record<string, unknown>)[member] : undefined;
  if (typeof actual !== 'string') {
    // A cnf naming something else (cnf.jwk, cnf.kid, the other binding's member) binds the token to a key or
    // certificate this check cannot compare with ours: saying "not bound" would be wrong, and so would failing.
    const others = cnf && typeof cnf === 'object' && !Array.isArray(cnf) ? Object.keys(cnf) : [];
    if (others.length)
      return { ...base, status: 'unknown', message: `the access token's cnf has no ${member} but ${others.map((k) => `cnf.${k}`).join(', ')}: it is bound to something this check cannot compare with the ${what}` };
    return { ...base, status: 'unbound', message: `the access token has no cnf.${member}: it is not bound to the ${what}` };
  }
  if (actual !== expected) return { ...base, actual, status: 'mismatch', message: `the access token is bound to another ${what} (cnf.${member} ${actual}, ours is ${expected})` };
  return { ...base, actual, status: 'bound', message: `the access token is bound to the ${what} (cnf.${member} ${actual})` };
}
