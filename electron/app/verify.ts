import type { TokenKind, TokenSet } from '../../shared/ipc';
import type { ConnectionProfile } from '../../shared/profile';
import type { VerificationReport } from '../../shared/token/report';
import { HttpClient, type NetworkSettings } from '../engine/http';
import { verifyToken, type VerifyOptions } from '../inspector/verify';
import type { StoredHistoryEntry } from './history';

export interface VerifyContext {
  profile?: ConnectionProfile;
  /** The history entry the token came from: its issuer, JWKS URI, nonce and sibling tokens. */
  entry?: StoredHistoryEntry;
  tokens?: TokenSet;
  network: NetworkSettings;
  /** Expected `aud` of an access token, as the user set it in the token view. */
  audience?: string;
}

/** The audience a JWT access token is checked against: the user's, else the profile's expected audience, audience or first resource. */
export function expectedAccessTokenAudience(ctx: Pick<VerifyContext, 'profile' | 'audience'>): string | undefined {
  const p = ctx.profile;
  // '' is the user asking for no expected audience: the aud check then reports "not checked".
  if (ctx.audience === '') return undefined;
  return ctx.audience ?? p?.expectedAudience ?? p?.audience ?? p?.resource[0];
}

/**
 * The ID token's auth_time and acr checks as the run asked for them (OIDC Core §3.1.3.7 items 12–13), from the
 * history entry, max_age measured to when the token arrived; "not checked" when the entry did not record them
 * (an older entry, or a token that is not from history).
 */
function authenticationExpectations(entry: StoredHistoryEntry | undefined): Pick<VerifyOptions, 'maxAge' | 'requireAuthTime' | 'acr' | 'authenticationRequestUnknown' | 'receivedAt'> {
  const asked = entry?.authentication;
  // The history file is read back as written; a shape this code did not write counts as unknown, not as a request.
  if (!entry || !wellFormed(asked) || !Number.isFinite(Date.parse(entry.obtainedAt))) return { authenticationRequestUnknown: true };
  return {
    ...(asked.maxAge !== undefined ? { maxAge: asked.maxAge } : {}),
    ...(asked.requireAuthTime ? { requireAuthTime: true } : {}),
    ...(asked.acr ? { acr: asked.acr } : {}),
    receivedAt: new Date(entry.obtainedAt),
  };
}

function wellFormed(a: unknown): a is NonNullable<StoredHistoryEntry['authentication']> {
  if (!a || typeof a !== 'object' || Array.isArray(a)) return false;
  const { maxAge, requireAuthTime, acr } = a as Record<string, unknown>;
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && (maxAge as number) >= 0)) return false;
  if (requireAuthTime !== undefined && typeof requireAuthTime !== 'boolean') return false;
  if (acr === undefined) return true;
  const r = acr as { values?: unknown; essential?: unknown } | null;
  return !!r && typeof r === 'object' && Array.isArray(r.values) && r.values.every((v) => typeof v === 'string') && typeof r.essential === 'boolean';
}

/**
 * The token view's verification report, from the inspector, with what the
 * workbench knows about where the token came from: the issuer and its JWKS,
 * the client id as audience for ID tokens, the nonce sent and the access
 * token issued alongside (at_hash).
 */
export async function verifyForInspection(token: string, kind: TokenKind, ctx: VerifyContext): Promise<VerificationReport> {
  const issuer = ctx.entry?.issuer ?? ctx.profile?.issuer;
  const jwksUri = ctx.entry?.endpoints?.jwks_uri ?? ctx.profile?.endpoints.jwks_uri;
  const http = new HttpClient(ctx.network);
  try {
    return await verifyToken(token, {
      ...(issuer ? { issuer } : {}),
      ...(jwksUri ? { jwksUri } : {}),
      ...(kind === 'id' && ctx.profile ? { clientId: ctx.profile.clientId, idToken: true } : {}),
      ...(kind === 'id' && ctx.entry?.nonce ? { nonce: ctx.entry.nonce } : {}),
      ...(kind === 'id' && ctx.tokens?.access_token ? { issuedAccessToken: ctx.tokens.access_token } : {}),
      ...(kind === 'id' ? authenticationExpectations(ctx.entry) : {}),
      ...(kind === 'access' ? { accessToken: true, ...(expectedAccessTokenAudience(ctx) ? { audience: expectedAccessTokenAudience(ctx) } : {}) } : {}),
      http,
    });
  } finally {
    await http.close();
  }
}
