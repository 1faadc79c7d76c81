import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Audiences an assertion may name for this sandbox: the issuer, or the token
 * endpoint — on the plain listener or on the mTLS alias the request came in on.
 */
export function acceptedAudiences(ctx: KoaContextWithOIDC): string[] {
  return [...new Set([ctx.oidc.issuer, new URL('/token', ctx.oidc.issuer).href, ctx.oidc.urlFor('token')])];
}
