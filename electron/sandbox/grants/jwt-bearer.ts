import { decodeJwt } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { JWT_BEARER } from '../clients';
import { kidProblemOf, selectsKeysByKid } from '../kid-quirk';
import { acceptedAudiences } from './audience';
import { COMMON_GRANT_PARAMS, invalidGrant, issueTokens, requiredParam, type GrantEnvironment } from './issue';
import { verifyTrustedJwt, type JwtIssuerKeys } from './jwt-verify';

/**
 * RFC 7523 §2.1: the assertion is a JWT signed by a trusted issuer — the
 * requesting client itself (iss = client_id, checked against its registered
 * jwks) or the sandbox's trusted issuer. Its `sub` becomes the token subject.
 */
export function jwtBearerGrant(env: GrantEnvironment, trust: { clientJwks: (clientId: string) => ReturnType<JwtIssuerKeys['keysFor']>; trustedIssuer: JwtIssuerKeys }) {
  return {
    name: JWT_BEARER,
    params: ['assertion', ...COMMON_GRANT_PARAMS],
    async handler(ctx: KoaContextWithOIDC): Promise<void> {
      const assertion = requiredParam(ctx, 'assertion');
      const clientId = ctx.oidc.client.clientId;
      const keys: JwtIssuerKeys = {
        keysFor: (iss) => (iss === clientId ? trust.clientJwks(clientId) : trust.trustedIssuer.keysFor(iss)),
      };
      // Quirk (issue 13): a server that selects the client's key only by kid refuses a kid it did not register.
      if (selectsKeysByKid(clientId) && issuerOf(assertion) === clientId) {
        const problem = kidProblemOf(assertion, trust.clientJwks(clientId));
        if (problem) throw invalidGrant(`assertion rejected: ${problem}`);
      }
      const claims = await verifyTrustedJwt(assertion, keys, { what: 'assertion', audiences: acceptedAudiences(ctx), requireSubject: true });
      if (claims.jti) {
        const fresh = await env.provider.ReplayDetection.unique(claims.iss, claims.jti, claims.exp ?? 0);
        if (!fresh) throw invalidGrant('assertion has already been used (jti replay)');
      }
      await issueTokens(env, ctx, { accountId: String(claims.sub), gty: 'jwt_bearer' });
    },
  };
}

function issuerOf(jwt: string): string | undefined {
  try {
    return decodeJwt(jwt).iss;
  } catch {
    return undefined;
  }
}
