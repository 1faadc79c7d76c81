/**
 * The slice of oidc-provider v9 (which ships no types) that the sandbox uses.
 * Loose where the library is loose; only what we call is declared.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcClient {
    clientId: string;
    clientAuthMethod: string;
    grantTypeAllowed(type: string): boolean;
    [key: string]: unknown;
  }

  export interface OidcContext {
    params: Record<string, string | string[] | undefined>;
    client: OidcClient;
    issuer: string;
    route: string;
    entity(name: string, value: unknown): void;
    urlFor(name: string, opts?: Record<string, unknown>): string;
    [key: string]: unknown;
  }

  /** A Koa context with the provider's `oidc` member. */
  export interface KoaContextWithOIDC {
    oidc: OidcContext;
    body: unknown;
    status: number;
    type: string;
    req: IncomingMessage;
    res: ServerResponse;
    socket: import('node:net').Socket;
    [key: string]: unknown;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg?: string } };
  }

  export interface ResourceServerInstance {
    audience?: string;
    scope: string;
    readonly scopes: Set<string>;
    identifier(): string;
  }

  export interface AccessTokenInstance {
    jti: string;
    accountId?: string;
    clientId: string;
    scope?: string;
    grantId?: string;
    gty?: string;
    aud?: string | string[];
    extra?: Record<string, unknown>;
    isExpired: boolean;
    isValid: boolean;
    readonly expiration: number;
    readonly tokenType: string;
    resourceServer?: ResourceServerInstance;
    save(): Promise<string>;
  }

  export interface GrantInstance {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    /** RAR (issue 14): an authorization detail the user consented to. */
    addRar(detail: { type: string; [key: string]: unknown }): void;
    save(ttl?: number): Promise<string>;
  }

  /** CIBA (issue 14): a pending backchannel authentication request. */
  export interface BackchannelAuthenticationRequestInstance {
    jti: string;
    accountId: string;
    clientId: string;
    scope?: string;
    params?: Record<string, unknown>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string; uid?: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
  }

  export interface Provider {
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    /** Koa middleware around every route (quirk clients of issue 13 §2). */
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>): void;
    registerGrantType(
      name: string,
      handler: (ctx: KoaContextWithOIDC) => Promise<void>,
      params?: string | string[] | Set<string>,
      dupes?: string | string[] | Set<string>,
    ): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    urlFor(name: string, opts?: Record<string, unknown>): string;
    readonly AccessToken: {
      new (properties: Record<string, unknown>): AccessTokenInstance;
      find(value: string, options?: { ignoreExpiration?: boolean }): Promise<AccessTokenInstance | undefined>;
    };
    /** client_credentials tokens live in their own model. */
    readonly ClientCredentials: {
      find(value: string, options?: { ignoreExpiration?: boolean }): Promise<AccessTokenInstance | undefined>;
    };
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    readonly RefreshToken: {
      new (properties: Record<string, unknown>): { jti: string; save(): Promise<string> };
    };
    readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => ResourceServerInstance;
    readonly ReplayDetection: { unique(iss: string, jti: string, exp: number): Promise<boolean> };
    readonly Client: { find(id: string): Promise<OidcClient | undefined> };
    // CIBA (issue 14)
    readonly BackchannelAuthenticationRequest: { find(id: string, options?: { ignoreExpiration?: boolean }): Promise<BackchannelAuthenticationRequestInstance | undefined> };
    backchannelResult(request: string | BackchannelAuthenticationRequestInstance, result: string | GrantInstance | Error, options?: { rar?: unknown[] }): Promise<void>;
  }

  type OAuthErrorClass = new (description?: string, detail?: unknown) => Error & { error: string; error_description?: string; status: number };

  export const errors: {
    CustomOIDCProviderError: new (error: string, description?: string) => Error & { error: string; error_description?: string; status: number };
    /** 401 invalid_client; the argument is the error_detail, not shown to the client (error_description stays "client authentication failed"). */
    InvalidClientAuth: OAuthErrorClass;
    InvalidTarget: OAuthErrorClass;
    InvalidRequest: OAuthErrorClass;
    InvalidScope: OAuthErrorClass;
    UnauthorizedClient: OAuthErrorClass;
    AccessDenied: OAuthErrorClass;
    // issue 14
    InvalidBindingMessage: OAuthErrorClass;
    InvalidAuthorizationDetails: OAuthErrorClass;
  };

  const ProviderConstructor: new (issuer: string, configuration: Record<string, unknown>) => Provider;
  export default ProviderConstructor;
}

declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  /** A per-provider in-memory store; passing it explicitly keeps the "dev adapter" warning away. */
  export function createMemoryAdapter(clockTolerance?: number): (model: string) => unknown;
}
