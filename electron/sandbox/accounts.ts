import { createHash, timingSafeEqual } from 'node:crypto';

export const SANDBOX_USERNAME = 'alice';

export interface SandboxAccount {
  accountId: string;
  claims(): Promise<Record<string, unknown>>;
}

const ALICE_CLAIMS = {
  name: 'Alice Sandbox',
  given_name: 'Alice',
  family_name: 'Sandbox',
  preferred_username: SANDBOX_USERNAME,
  email: 'alice@sandbox.test',
  email_verified: true,
};

/**
 * The sandbox's one user plus whatever subjects the assertion grants vouch
 * for: a JWT bearer or SAML assertion may name any subject, and the tokens
 * issued for it must still work at userinfo and introspection.
 */
export class AccountDirectory {
  constructor(private readonly password: string) {}

  checkPassword(username: string, password: string): boolean {
    // Digests have equal length, so the comparison is constant-time whatever was typed.
    const digest = (v: string) => createHash('sha256').update(v).digest();
    const same = timingSafeEqual(digest(this.password), digest(password));
    return username === SANDBOX_USERNAME && same;
  }

  find(accountId: string): SandboxAccount | undefined {
    if (!accountId) return undefined;
    const extra = accountId === SANDBOX_USERNAME ? ALICE_CLAIMS : {};
    return { accountId, claims: async () => ({ sub: accountId, ...extra }) };
  }
}

/** Claims the provider may release, grouped by the scope that releases them. */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email', 'email_verified'],
};
