import type { JSONWebKeySet } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import { AUTH_METHODS, parseGrantType, type AuthMethod, type GrantType } from '../../shared/grants';
import type { ConnectionProfile, ConnectionProfileInput } from '../../shared/profile';
import type { TranscriptEntry } from '../../shared/transcript';
import { discover } from '../engine/discovery';
import { HttpClient, type NetworkSettings } from '../engine/http';
import {
  clientMetadata,
  deleteRegistrationRequest,
  processDeleteRegistrationResponse,
  processRegistrationResponse,
  readRegistrationRequest,
  registrationRequest,
  updateRegistrationRequest,
  type RegisteredClient,
} from '../engine/registration';
import { Transcript } from '../engine/transcript';
import { profileSecretAccount, type SecretStore } from '../secrets/secret-store';
import type { ProfileStore } from '../storage/profile-store';

/**
 * Dynamic client registration as the CLI and the app use it (issue 14):
 * discover the registration endpoint, register with keys from the keystore
 * or a jwks_uri and redirect URIs from the loopback settings, save the
 * result as a profile whose client secret and registration access token go
 * to the keychain; later read, update or delete the registration.
 */

/** The loopback redirect a profile in loopback mode uses (RFC 8252 §7.3: any port is accepted for it). */
export const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';

export interface RegisterClientOptions {
  issuer?: string;
  /** Typed endpoint when the server has no discovery. */
  registrationEndpoint?: string;
  initialAccessToken?: string;
  grantTypes?: string[];
  authMethod?: AuthMethod;
  /** A fixed redirect URL; absent: the loopback redirect. */
  redirectUrl?: string;
  /** Keystore alias whose public key is registered as the client's JWKS (private_key_jwt). */
  signingKeyAlias?: string;
  jwksUri?: string;
  clientName?: string;
  scopes?: string[];
  network: NetworkSettings;
}

export interface RegistrationKeys {
  exportPublicJwk(alias: string): Promise<Record<string, unknown>>;
}

export interface RegistrationOutcome {
  registered: RegisteredClient;
  issuer?: string;
  endpoint: string;
  /** The metadata that was sent. */
  request: Record<string, unknown>;
  transcript: TranscriptEntry[];
}

const responseTypesFor = (grants: string[]) => [...(grants.includes('authorization_code') ? ['code'] : []), ...(grants.includes('implicit') ? ['id_token token'] : [])];

export async function registerClient(o: RegisterClientOptions, keys?: RegistrationKeys): Promise<RegistrationOutcome> {
  const grants = (o.grantTypes?.length ? o.grantTypes : ['authorization_code', 'refresh_token']).map((g) => {
    const parsed = parseGrantType(g);
    if (!parsed) throw new WorkbenchError('INVALID_INPUT', `unknown grant type "${g}"`);
    return parsed;
  });
  if (o.authMethod && !(AUTH_METHODS as readonly string[]).includes(o.authMethod)) throw new WorkbenchError('INVALID_INPUT', `unknown auth method "${o.authMethod}"`);
  const method: AuthMethod = o.authMethod ?? (o.signingKeyAlias || o.jwksUri ? 'private_key_jwt' : 'client_secret_basic');
  let jwks: JSONWebKeySet | undefined;
  if (o.signingKeyAlias) {
    if (!keys) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', 'the keystore is not available for --signing-key');
    jwks = { keys: [(await keys.exportPublicJwk(o.signingKeyAlias)) as JSONWebKeySet['keys'][number]] };
  }
  const interactive = grants.includes('authorization_code') || grants.includes('implicit');
  const metadata = clientMetadata({
    grantTypes: grants,
    responseTypes: responseTypesFor(grants),
    tokenEndpointAuthMethod: method,
    ...(interactive ? { redirectUris: [o.redirectUrl ?? LOOPBACK_REDIRECT] } : {}),
    // A loopback or private-use redirect is a native app's (RFC 8252); http(s) on a host is a web app's.
    ...(interactive ? { applicationType: !o.redirectUrl || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(o.redirectUrl) || !/^https?:/.test(o.redirectUrl) ? ('native' as const) : ('web' as const) } : {}),
    ...(jwks ? { jwks } : {}),
    ...(o.jwksUri ? { jwksUri: o.jwksUri } : {}),
    clientName: o.clientName ?? 'Token Workbench',
    ...(o.scopes?.length ? { scope: o.scopes.join(' ') } : {}),
  });

  const transcript = new Transcript();
  transcript.addSecret(o.initialAccessToken);
  const http = new HttpClient(o.network, transcript);
  try {
    let endpoint = o.registrationEndpoint;
    let issuer = o.issuer;
    if (!endpoint) {
      if (!o.issuer) throw new WorkbenchError('MISSING_CONFIGURATION', 'give the issuer (for discovery) or the registration endpoint');
      const m = await discover(http, o.issuer);
      issuer = m.issuer;
      if (typeof m.registration_endpoint !== 'string') throw new WorkbenchError('UNSUPPORTED', `${o.issuer} publishes no registration_endpoint: it does not offer dynamic client registration`);
      endpoint = m.registration_endpoint;
    }
    const res = await http.send(registrationRequest(endpoint, metadata, o.initialAccessToken), { label: 'client registration' });
    const registered = processRegistrationResponse(res, 'registration response', 201);
    transcript.addSecret(registered.client_secret);
    transcript.addSecret(registered.registration_access_token);
    return { registered, ...(issuer ? { issuer } : {}), endpoint, request: metadata, transcript: transcript.entries };
  } finally {
    await http.close();
  }
}

/** A profile for the registered client: what was registered, never its secrets (they go to the keychain). */
export function profileFromRegistration(outcome: RegistrationOutcome, o: { name: string; signingKeyAlias?: string; redirectUrl?: string; scopes?: string[] }): ConnectionProfileInput {
  const r = outcome.registered;
  const m = r.metadata;
  const grants = (Array.isArray(m.grant_types) ? m.grant_types : ['authorization_code']).map(String);
  const method = typeof m.token_endpoint_auth_method === 'string' && (AUTH_METHODS as readonly string[]).includes(m.token_endpoint_auth_method) ? (m.token_endpoint_auth_method as AuthMethod) : 'client_secret_basic';
  const grantType = (grants.map((g) => parseGrantType(g)).find((g) => g && g !== 'refresh_token') ?? 'authorization_code') as GrantType;
  return {
    name: o.name,
    ...(outcome.issuer ? { issuer: outcome.issuer } : {}),
    grantType,
    clientId: r.client_id,
    clientAuth: { method, ...(o.signingKeyAlias ? { keyAlias: o.signingKeyAlias } : {}) },
    ...(o.scopes?.length ? { scopes: o.scopes } : {}),
    ...(o.redirectUrl ? { redirect: { mode: 'fixed', url: o.redirectUrl } } : {}),
    ...(r.registration_client_uri ? { registration: { registrationClientUri: r.registration_client_uri, registeredAt: new Date().toISOString() } } : {}),
    secretRefs: [...(r.client_secret ? (['clientSecret'] as const) : []), ...(r.registration_access_token ? (['registrationAccessToken'] as const) : [])],
  } as ConnectionProfileInput;
}

/** Saves the profile, then its secrets; a keychain failure removes the half-made profile. */
export async function saveRegistration(store: ProfileStore, secrets: SecretStore, outcome: RegistrationOutcome, draft: ConnectionProfileInput): Promise<ConnectionProfile> {
  const profile = store.saveProfile(draft as Parameters<ProfileStore['saveProfile']>[0]);
  try {
    if (outcome.registered.client_secret) await secrets.set(profileSecretAccount(profile.id, 'clientSecret'), outcome.registered.client_secret);
    if (outcome.registered.registration_access_token) await secrets.set(profileSecretAccount(profile.id, 'registrationAccessToken'), outcome.registered.registration_access_token);
  } catch (err) {
    store.deleteProfile(profile.id);
    throw err;
  }
  return profile;
}

export type RegistrationOperation = 'read' | 'update' | 'delete';

export interface ManagedRegistration {
  /** Absent after delete. */
  registered?: RegisteredClient;
  transcript: TranscriptEntry[];
}

/** RFC 7592 read / update / delete for a profile made by registration. Update sends the current metadata with `changes` on top. */
export async function manageRegistration(
  op: RegistrationOperation,
  profile: ConnectionProfile,
  secrets: SecretStore,
  network: NetworkSettings,
  changes: Record<string, unknown> = {},
): Promise<ManagedRegistration> {
  const uri = profile.registration?.registrationClientUri;
  if (!uri) throw new WorkbenchError('MISSING_CONFIGURATION', `profile "${profile.name}" was not made by dynamic client registration (no registration_client_uri)`);
  const token = await secrets.get(profileSecretAccount(profile.id, 'registrationAccessToken'));
  if (!token) throw new WorkbenchError('MISSING_CONFIGURATION', `profile "${profile.name}" has no registration access token in the keychain`);
  const transcript = new Transcript();
  transcript.addSecret(token);
  const http = new HttpClient(network, transcript);
  try {
    if (op === 'delete') {
      processDeleteRegistrationResponse(await http.send(deleteRegistrationRequest(uri, token), { label: 'registration delete' }));
      return { transcript: transcript.entries };
    }
    const current = processRegistrationResponse(await http.send(readRegistrationRequest(uri, token), { label: 'registration read' }), 'registration read response', 200);
    transcript.addSecret(current.client_secret);
    if (op === 'read') return { registered: current, transcript: transcript.entries };
    const updated = processRegistrationResponse(
      await http.send(updateRegistrationRequest(uri, token, profile.clientId, { ...current.metadata, ...changes }), { label: 'registration update' }),
      'registration update response',
      200,
    );
    transcript.addSecret(updated.client_secret);
    transcript.addSecret(updated.registration_access_token);
    // A server may rotate the secret or the registration access token on update (RFC 7592 §2.2).
    if (updated.client_secret && updated.client_secret !== current.client_secret) await secrets.set(profileSecretAccount(profile.id, 'clientSecret'), updated.client_secret);
    if (updated.registration_access_token && updated.registration_access_token !== token) await secrets.set(profileSecretAccount(profile.id, 'registrationAccessToken'), updated.registration_access_token);
    return { registered: updated, transcript: transcript.entries };
  } finally {
    await http.close();
  }
}

/** The registration response for display: secrets masked (the renderer and stdout of non-silent runs never see them). */
export function publicRegistration(r: RegisteredClient, reveal = false): Record<string, unknown> {
  if (reveal) return r.metadata;
  const out = { ...r.metadata };
  for (const k of ['client_secret', 'registration_access_token']) if (typeof out[k] === 'string') out[k] = '[keychain]';
  return out;
}
