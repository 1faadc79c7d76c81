import type { KoaContextWithOIDC } from 'oidc-provider';
import { TOKEN_TYPE_URNS } from '../../../shared/grants';
import { TOKEN_EXCHANGE } from '../clients';
import { COMMON_GRANT_PARAMS, invalidGrant, invalidRequest, issueTokens, oauthError, requiredParam, stringParam, type GrantEnvironment } from './issue';
import { verifyTrustedJwt, type JwtIssuerKeys } from './jwt-verify';

const JWT_TYPES = new Set<string>([TOKEN_TYPE_URNS.jwt, TOKEN_TYPE_URNS.id_token]);
const SUPPORTED_INPUT_TYPES = new Set<string>([TOKEN_TYPE_URNS.access_token, ...JWT_TYPES]);

/**
 * RFC 8693. The subject (and optional actor) token is either an access token
 * this sandbox issued — looked up through the provider's own AccessToken
 * model, so a forged or revoked one is refused — or a JWT signed by a
 * trusted issuer (the sandbox's trusted issuer, or the sandbox itself).
 * The result is a new access token for the subject, with `act` naming the actor.
 */
export function tokenExchangeGrant(env: GrantEnvironment, trust: JwtIssuerKeys) {
  async function subjectOf(ctx: KoaContextWithOIDC, token: string, type: string, role: 'subject_token' | 'actor_token'): Promise<string> {
    if (!SUPPORTED_INPUT_TYPES.has(type)) throw invalidRequest(`unsupported ${role}_type ${type}`);
    if (type === TOKEN_TYPE_URNS.access_token) return accessTokenSubject(token, role);
    const claims = await verifyTrustedJwt(token, trust, { what: role, requireSubject: true });
    // The sandbox's own JWT access tokens must also still exist (not revoked) in its store.
    if (claims.iss === ctx.oidc.issuer && claims.jti && claims.client_id) return accessTokenSubject(claims.jti, role);
    return String(claims.sub);
  }

  async function accessTokenSubject(value: string, role: string): Promise<string> {
    const found = (await env.provider.AccessToken.find(value)) ?? (await env.provider.ClientCredentials.find(value));
    if (!found || found.isExpired) throw invalidGrant(`${role} is not an active access token issued by this server`);
    // A client_credentials token has no user; its subject is the client.
    return found.accountId ?? found.clientId;
  }

  return {
    name: TOKEN_EXCHANGE,
    params: ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', ...COMMON_GRANT_PARAMS],
    async handler(ctx: KoaContextWithOIDC): Promise<void> {
      const subjectToken = requiredParam(ctx, 'subject_token');
      const subjectTokenType = requiredParam(ctx, 'subject_token_type');
      const actorToken = stringParam(ctx, 'actor_token');
      const actorTokenType = stringParam(ctx, 'actor_token_type');
      if (actorToken && !actorTokenType) throw invalidRequest('actor_token_type is required with actor_token');
      if (!actorToken && actorTokenType) throw invalidRequest('actor_token_type must not be sent without actor_token');

      const requested = stringParam(ctx, 'requested_token_type');
      if (requested && requested !== TOKEN_TYPE_URNS.access_token && requested !== TOKEN_TYPE_URNS.jwt) {
        throw invalidRequest(`requested_token_type ${requested} is not supported; ask for an access token`);
      }
      // `audience` names the API logically; the sandbox's only API is also its resource indicator.
      const audience = stringParam(ctx, 'audience');
      if (audience) {
        if (!env.resourceServerInfo(audience)) throw oauthError('invalid_target', `unknown audience ${audience}`);
        if (ctx.oidc.params.resource === undefined) ctx.oidc.params.resource = audience;
      }

      const subject = await subjectOf(ctx, subjectToken, subjectTokenType, 'subject_token');
      const actor = actorToken && actorTokenType ? await subjectOf(ctx, actorToken, actorTokenType, 'actor_token') : undefined;

      await issueTokens(env, ctx, {
        accountId: subject,
        gty: 'token_exchange',
        ...(actor ? { extra: { act: { sub: actor } } } : {}),
        responseMembers: { issued_token_type: TOKEN_TYPE_URNS.access_token },
      });
    },
  };
}
