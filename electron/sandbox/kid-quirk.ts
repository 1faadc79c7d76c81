import type { JSONWebKeySet } from 'jose';
import { decodeProtectedHeader } from 'jose';
import type { KoaContextWithOIDC, OidcClient } from 'oidc-provider';
import { oidcErrors } from './loader';

/**
 * Servers that select the client's key only by the assertion's `kid` (issue 13 §1): a kid-less assertion, or one
 * whose kid is not a registered key's, is refused even when a registered key would verify it. oidc-provider
 * itself tries every registered key when the header has no kid, so for these clients the sandbox adds the
 * rule through oidc-provider's own extension points: `assertJwtClientAuthClaimsAndHeader` for client
 * assertions (answered with a bare invalid_client, as such servers do) and the JWT bearer grant's check of
 * the `assertion` (invalid_grant, RFC 7523 §3.1).
 *
 * - KID_REQUIRED_CLIENT_ID: keys registered under kids an admin console assigned (`admin-console-N`).
 * - KID_THUMBPRINT_CLIENT_ID: keys registered under their RFC 7638 thumbprints.
 */
export const KID_REQUIRED_CLIENT_ID = 'sandbox-quirk-kid-required';
export const KID_THUMBPRINT_CLIENT_ID = 'sandbox-quirk-kid-thumbprint';
const KID_SELECTING_CLIENTS = new Set<string>([KID_REQUIRED_CLIENT_ID, KID_THUMBPRINT_CLIENT_ID]);

export const selectsKeysByKid = (clientId: string) => KID_SELECTING_CLIENTS.has(clientId);

/** Why a kid-selecting server refuses this header, or undefined when its kid names a registered key. */
export function kidProblem(header: { kid?: unknown }, jwks: JSONWebKeySet | undefined): string | undefined {
  if (typeof header.kid !== 'string' || header.kid === '') return 'the assertion header has no kid; keys are selected by kid';
  if (!(jwks?.keys ?? []).some((k) => k.kid === header.kid)) return `no registered key has kid "${header.kid}"`;
  return undefined;
}

/** The same check for a JWT (the JWT bearer grant's assertion); a header that does not parse is left to verification. */
export function kidProblemOf(jwt: string, jwks: JSONWebKeySet | undefined): string | undefined {
  let header: { kid?: unknown };
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return undefined;
  }
  return kidProblem(header, jwks);
}

/**
 * oidc-provider's `assertJwtClientAuthClaimsAndHeader`: its default (FAPI 2.0 wants aud = issuer), then the
 * kid rule for the kid-selecting clients. Runs after the signature verified against the registered keys.
 */
export async function assertJwtClientAuthClaimsAndHeader(ctx: KoaContextWithOIDC, claims: { aud?: unknown }, header: { kid?: unknown }, client: OidcClient): Promise<void> {
  const errors = oidcErrors();
  const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] & { isFapi?: (...profiles: string[]) => unknown };
  if (oidc.isFapi?.('2.0') && claims.aud !== ctx.oidc.issuer) throw new errors.InvalidClientAuth('audience (aud) must equal the issuer identifier url');
  if (!selectsKeysByKid(client.clientId)) return;
  const problem = kidProblem(header, (client as unknown as { jwks?: JSONWebKeySet }).jwks);
  if (problem) throw new errors.InvalidClientAuth(problem);
}
