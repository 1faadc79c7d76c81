import type { KoaContextWithOIDC } from 'oidc-provider';
import { SAML2_BEARER } from '../clients';
import { SamlAssertionError, verifyAssertion, type SamlIdentityProvider } from '../saml';
import { acceptedAudiences } from './audience';
import { COMMON_GRANT_PARAMS, invalidGrant, issueTokens, requiredParam, type GrantEnvironment } from './issue';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** RFC 7522 §2.1: `assertion` is one base64url-encoded (unpadded) SAML 2.0 assertion signed by the sandbox IdP. */
export function saml2BearerGrant(env: GrantEnvironment, idp: Pick<SamlIdentityProvider, 'entityId' | 'certPem'>) {
  return {
    name: SAML2_BEARER,
    params: ['assertion', ...COMMON_GRANT_PARAMS],
    async handler(ctx: KoaContextWithOIDC): Promise<void> {
      const encoded = requiredParam(ctx, 'assertion');
      if (!BASE64URL.test(encoded)) throw invalidGrant('assertion must be base64url-encoded without padding');
      const xml = Buffer.from(encoded, 'base64url').toString('utf8');

      let verified;
      try {
        verified = verifyAssertion(xml, idp, { audiences: acceptedAudiences(ctx) });
      } catch (err) {
        if (err instanceof SamlAssertionError) throw invalidGrant(err.message);
        throw err;
      }
      // An assertion is good for one token request (RFC 7522 §3, item 8 allows refusing replays).
      const fresh = await env.provider.ReplayDetection.unique(verified.issuer, verified.id, Math.ceil(verified.notOnOrAfter.getTime() / 1000));
      if (!fresh) throw invalidGrant('assertion has already been used');

      await issueTokens(env, ctx, { accountId: verified.subject, gty: 'saml2_bearer' });
    },
  };
}
