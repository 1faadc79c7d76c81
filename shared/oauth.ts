/** Protocol shapes both sides use: what discovery and the token endpoint return. */

/** RFC 8414 / OpenID Connect Discovery metadata; unknown members are kept. */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  device_authorization_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  jwks_uri?: string;
  grant_types_supported?: string[];
  response_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  code_challenge_methods_supported?: string[];
  scopes_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  mtls_endpoint_aliases?: Record<string, string>;
  [key: string]: unknown;
}

/** A successful token endpoint response (RFC 6749 §5.1, RFC 8693 §2.2.1); unknown members kept. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  issued_token_type?: string;
  [key: string]: unknown;
}
