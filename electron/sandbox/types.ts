import type { JSONWebKeySet, JWK } from 'jose';
import type { Provider } from 'oidc-provider';
import type { AuthMethod, GrantType } from '../../shared/grants';

export interface SandboxOptions {
  /** HTTP port of the issuer; 0 (default) picks a free one. */
  port?: number;
  /** HTTPS port of the mutual-TLS endpoint aliases; 0 (default) picks a free one. */
  mtlsPort?: number;
  /** The sandbox user's password; generated per start when absent. */
  userPassword?: string;
  /** Public JWKS registered for the private_key_jwt client instead of generated keys. */
  clientJwks?: JSONWebKeySet;
  /**
   * Public keys the private_key_jwt client trusts as well, read live (the keystore's JWKS): the client is
   * registered with a jwks_uri the sandbox serves from this source, so a key added to the keystore is
   * trusted at once, without a restart.
   */
  clientKeys?: () => Promise<JSONWebKeySet>;
  /** Access token lifetime in seconds (default 600). */
  accessTokenTtl?: number;
  /**
   * Quirk (issue 13): introspection and revocation accept only these client-authentication methods, and the
   * metadata lists them in introspection_/revocation_endpoint_auth_methods_supported. Default: every method.
   */
  introspectionAuthMethods?: AuthMethod[];
}

/** A private signing key handed to tests and users; it only ever lives in memory. */
export interface SandboxSigningKey {
  kid: string;
  /** The algorithm this key is meant for (an RSA key also signs PS256/384/512 and RS384/512). */
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface SandboxClient {
  client_id: string;
  /** Present for the secret-based methods. */
  client_secret?: string;
  token_endpoint_auth_method: AuthMethod;
  grant_types: GrantType[];
  response_types: string[];
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  /** private_key_jwt: generated keys (one per family) unless `clientJwks` was given. */
  signingKeys?: SandboxSigningKey[];
  /** tls_client_auth / self_signed_tls_client_auth: the client certificate and its key. */
  tls?: { certPem: string; keyPem: string; subjectDn?: string };
  /** JARM: the key the client's authorization responses are encrypted to (its private half, for tests and users). */
  encryptionKey?: SandboxSigningKey;
  /** The public keys registered for the client, when they differ from the private_key_jwt client's (quirk clients). */
  jwks?: JSONWebKeySet;
  /** Further client metadata (issue 14: PAR/JAR/JARM requirements, dpop_bound_access_tokens, authorization_details_types, backchannel_token_delivery_mode…). */
  extraMetadata?: Record<string, unknown>;
}

export interface TrustedIssuer {
  /** `iss` of JWT bearer assertions and token-exchange subject tokens the sandbox trusts. */
  iss: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface MintSamlOptions {
  /** NameID of the subject. */
  subject: string;
  /** Audience restriction; defaults to the sandbox issuer. */
  audience?: string;
  notOnOrAfter?: Date;
  notBefore?: Date;
  /** Issuer element; defaults to the sandbox SAML IdP entity id. */
  issuer?: string;
}

export interface SandboxHandle {
  /** http://127.0.0.1:PORT */
  issuer: string;
  /** https://127.0.0.1:MTLSPORT, where the mTLS endpoint aliases live. */
  mtlsOrigin: string;
  /** PEM of the sandbox CA that issued the HTTPS server certificate and the tls_client_auth client certificate. */
  caPem: string;
  clients: Record<string, SandboxClient>;
  user: { username: string; password: string };
  trustedIssuer: TrustedIssuer;
  saml: { issuer: string; certPem: string };
  /** A signed SAML 2.0 assertion (XML) the saml2-bearer grant accepts. */
  mintSamlAssertion(options: MintSamlOptions): string;
  resourceServer: { client_id: string; client_secret: string; resource: string };
  provider: Provider;
  /** CIBA's authentication device: requests waiting for the user, approved or denied here or on the /ciba page (issue 14). */
  ciba: {
    pageUrl: string;
    next(timeoutMs?: number): Promise<{ id: string; clientId: string; accountId: string; scope: string; bindingMessage?: string }>;
    approve(id: string): Promise<void>;
    deny(id: string): Promise<void>;
  };
  /** Dynamic client registration (RFC 7591): the endpoint and the initial access token it requires. */
  registration: { endpoint: string; initialAccessToken: string };
  close(): Promise<void>;
}
