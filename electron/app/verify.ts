import type { TokenKind, TokenSet } from '../../shared/ipc';
import type { ConnectionProfile } from '../../shared/profile';
import type { VerificationReport } from '../../shared/token/report';
import { HttpClient, type NetworkSettings } from '../engine/http';
import { verifyToken } from '../inspector/verify';
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
      ...(kind === 'access' ? { accessToken: true, ...(expectedAccessTokenAudience(ctx) ? { audience: expectedAccessTokenAudience(ctx) } : {}) } : {}),
      http,
    });
  } finally {
    await http.close();
  }
}
