import type { GrantType } from '../grants';

/**
 * A provider preset (issue 13 §2) is data: an issuer template with `{placeholders}`, the inputs it
 * asks for, and the settings (quirks) it puts into a new profile. `shared/presets/apply.ts` turns a
 * preset and the user's inputs into a profile draft; nothing here runs code.
 */
export interface PresetInput {
  /** Placeholder name (`{tenant}`) and the CLI flag (`--tenant`). */
  name: string;
  label: string;
  required?: boolean;
  /** Used when the user gives nothing; may itself hold `{placeholders}` of other inputs. */
  default?: string;
  choices?: readonly string[];
  help?: string;
  /** Checked before anything is built (e.g. a tenant id or a host name). */
  pattern?: string;
}

/** A part of a profile, every string a template. */
export interface PresetSettings {
  issuer?: string;
  discovery?: boolean;
  endpoints?: Partial<Record<'authorization' | 'token' | 'device_authorization' | 'introspection' | 'revocation' | 'userinfo' | 'end_session' | 'jwks_uri', string>>;
  grantType?: GrantType;
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
  /** Keystore alias of the key (private_key_jwt, JWT bearer). */
  keyAlias?: string;
  signingAlg?: string;
  x5t?: boolean;
  assertionAudience?: 'token_endpoint' | 'issuer';
  /** Scopes; an entry whose placeholders are all empty is left out. */
  scopes?: string[];
  audience?: string;
  resource?: string[];
  /** Extra parameters by request; a row whose value is empty after filling is left out. */
  tokenParams?: Record<string, string>;
  authorizationParams?: Record<string, string>;
  jwtBearerClaims?: Record<string, string>;
  pkce?: 'S256' | 'plain' | 'off';
  openid?: boolean;
}

export interface PresetRule {
  /** Applies when every named input has one of the values (inputs include `grant`). */
  when?: Record<string, string | readonly string[]>;
  set: PresetSettings;
  /** Why: shown to the user with the draft. */
  note?: string;
}

export interface ProviderPreset {
  id: string;
  name: string;
  /** The provider's public documentation the preset was written from. */
  docs: readonly string[];
  inputs: readonly PresetInput[];
  /** Applied in order; later rules override earlier ones field by field. */
  rules: readonly PresetRule[];
}

/** Every preset asks for the client id and the grant; `grant` values are the CLI's short names. */
export const GRANT_INPUT = (choices: readonly string[], fallback: string): PresetInput => ({
  name: 'grant',
  label: 'Grant',
  default: fallback,
  choices,
});
export const CLIENT_ID_INPUT: PresetInput = { name: 'client-id', label: 'Client ID', required: true };
