import { randomBytes } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { CibaDevice } from './ciba';
import { oidcErrors } from './loader';
import { SANDBOX_RESOURCE } from './resources';

/**
 * oidc-provider features for issue 14's token side: DPoP, RAR, CIBA and
 * dynamic client registration (certificate-bound tokens are in the mTLS
 * feature already). Kept apart from configuration.ts so it stays one
 * spread there.
 */

/** The client whose token requests must carry a server-issued DPoP nonce (RFC 9449 §8). */
export const DPOP_NONCE_CLIENT = 'sandbox-dpop-nonce';
/** The RAR type the sandbox understands (RFC 9396 §2). */
export const RAR_TYPES = ['payment_initiation'] as const;

export interface ModernFeatureInput {
  ciba: CibaDevice;
  /** Required on every registration request (RFC 7591 §3). */
  initialAccessToken: string;
}

interface AuthorizationDetail {
  type: string;
  [key: string]: unknown;
}

export function modernFeatures(input: ModernFeatureInput): Record<string, unknown> {
  return {
    dPoP: {
      enabled: true,
      nonceSecret: randomBytes(32),
      // The nonce client at the token endpoint, and userinfo for everyone — the sandbox's
      // resource server, so a 401 `use_dpop_nonce` from a resource can be tried too.
      requireNonce: (ctx: KoaContextWithOIDC) => ctx.oidc.route === 'userinfo' || ctx.oidc.client?.clientId === DPOP_NONCE_CLIENT,
    },
    richAuthorizationRequests: {
      enabled: true,
      types: {
        payment_initiation: {
          validate: (_ctx: unknown, detail: AuthorizationDetail) => {
            const amount = detail.instructedAmount;
            if (amount !== undefined) {
              const a = amount as Record<string, unknown>;
              if (!a || typeof a !== 'object' || typeof a.currency !== 'string' || typeof a.amount !== 'string')
                throw new (oidcErrors().InvalidAuthorizationDetails)('payment_initiation: instructedAmount must be {"currency": "EUR", "amount": "123.50"}');
            }
          },
        },
      },
      // What the user consented to (the grant), then what the token carries.
      authorizationDetailsForGrantSource: (ctx: KoaContextWithOIDC) => (ctx.oidc.grant as unknown as { rar?: AuthorizationDetail[] } | undefined)?.rar,
      authorizationDetailsForAccessToken: (ctx: KoaContextWithOIDC, _token: unknown, source: { rar?: AuthorizationDetail[] } | undefined, grantType: string) => {
        if (grantType === 'client_credentials' && typeof ctx.oidc.params?.authorization_details === 'string') return JSON.parse(ctx.oidc.params.authorization_details as string) as AuthorizationDetail[];
        return source?.rar;
      },
      authorizationDetailsForIntrospection: (_ctx: unknown, token: { rar?: AuthorizationDetail[] }) => token.rar,
    },
    ciba: input.ciba.hooks(),
    registration: {
      enabled: true,
      initialAccessToken: input.initialAccessToken,
    },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: false },
  };
}

/** RAR needs a resource (oidc-provider): the sandbox API is the default one when authorization_details are sent. */
export async function defaultResourceForRar(ctx: KoaContextWithOIDC): Promise<string | undefined> {
  return ctx.oidc.params?.authorization_details ? SANDBOX_RESOURCE : undefined;
}

/** CIBA Core §7.1: `requested_expiry` shortens the request's life (up to the sandbox's 10 minutes). */
export function backchannelRequestTtl(ctx: KoaContextWithOIDC | undefined): number {
  const requested = Number(ctx?.oidc?.params?.requested_expiry);
  return Number.isSafeInteger(requested) && requested > 0 ? Math.min(600, requested) : 600;
}
