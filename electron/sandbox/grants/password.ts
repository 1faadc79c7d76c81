import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AccountDirectory } from '../accounts';
import { COMMON_GRANT_PARAMS, invalidGrant, issueTokens, requiredParam, type GrantEnvironment } from './issue';

export const PASSWORD_GRANT = 'password';

/** RFC 6749 §4.3: the resource owner's username and password, checked against the sandbox user. */
export function passwordGrant(env: GrantEnvironment, accounts: AccountDirectory) {
  return {
    name: PASSWORD_GRANT,
    params: ['username', 'password', ...COMMON_GRANT_PARAMS],
    async handler(ctx: KoaContextWithOIDC): Promise<void> {
      const username = requiredParam(ctx, 'username');
      const password = requiredParam(ctx, 'password');
      if (!accounts.checkPassword(username, password)) throw invalidGrant('invalid resource owner credentials');
      await issueTokens(env, ctx, { accountId: username, gty: PASSWORD_GRANT, allowRefreshToken: true });
    },
  };
}
