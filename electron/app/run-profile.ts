import { hasVariables, substitute, type ResolvedVariables } from '../../shared/environments';
import { WorkbenchError } from '../../shared/errors';
import { assertImportConfirmed } from '../../shared/import-trust';
import type { ConnectionProfile } from '../../shared/profile';
import type { AssertionSigner, SigningKey } from '../jose/sign';
import type { FlowConfig, FlowInputs } from '../engine/flow';
import type { TlsSettings } from '../engine/http';
import { profileSecretAccount, type SecretStore } from '../secrets/secret-store';

/** The part of the keystore a run needs: signing and TLS client credentials, never raw key export. */
export interface RunKeystore {
  getSigningKey(alias: string, alg?: string): Promise<SigningKey>;
  getTlsClientCredentials(alias: string): Promise<{ certPem: string; keyPem: string }>;
}

const SECRET_LABELS = { clientSecret: 'client secret', password: 'password', refreshToken: 'refresh token' } as const;

/** Values given for this run only (CLI flags, the request panel); they win over stored ones. */
export interface RunOverrides extends FlowInputs {
  /** PEM texts for mutual TLS and extra trust, when not from the keystore / profile. */
  tlsCertPem?: string;
  tlsKeyPem?: string;
  caPem?: string;
  hideTokens?: boolean;
  interactionTimeoutMs?: number;
  /** Environments: the active environment's values, for `{{name}}` in stored secrets, and secret values to redact. */
  variables?: ResolvedVariables;
}

/**
 * Turns a saved profile into what the engine runs: secrets from the keychain,
 * keys from the keystore, CA bundle from its file. Nothing here is stored.
 */
export async function resolveFlowConfig(
  profile: ConnectionProfile,
  stores: { secrets?: SecretStore; keystore?: RunKeystore },
  overrides: RunOverrides = {},
): Promise<FlowConfig> {
  const { tlsCertPem, tlsKeyPem, caPem, hideTokens, interactionTimeoutMs, variables, ...inputOverrides } = overrides;
  const inputs: FlowInputs = { ...inputOverrides };
  const stored = async (name: 'clientSecret' | 'password' | 'refreshToken') => {
    if (!profile.secretRefs.includes(name)) return undefined;
    if (!stores.secrets) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', `profile "${profile.name}" keeps its ${name} in the keychain, which is not available`);
    // A locked keychain or a refused access throws its own error; undefined means the item is really absent.
    const value = await stores.secrets.get(profileSecretAccount(profile.id, name));
    if (value === undefined)
      throw new WorkbenchError(
        'KEYCHAIN_ITEM_MISSING',
        `the ${SECRET_LABELS[name]} of profile "${profile.name}" is missing from the OS keychain (it is reachable and unlocked, and has no such item): enter it again`,
      );
    return value;
  };
  if (inputs.clientSecret === undefined) inputs.clientSecret = await stored('clientSecret');
  if (inputs.password === undefined) inputs.password = await stored('password');
  if (profile.grantType === 'refresh_token' && inputs.refreshToken === undefined) inputs.refreshToken = await stored('refreshToken');
  // Environments: a stored secret may itself be `{{name}}` of a (secret) variable, per environment.
  const fill = (value: string | undefined, field: string) => (value !== undefined && hasVariables(value) ? substitute(value, variables?.values ?? {}, field, variables?.envName) : value);
  inputs.clientSecret = fill(inputs.clientSecret, 'the client secret');
  inputs.password = fill(inputs.password, 'the password');

  const auth = profile.clientAuth;
  // Issue 11: what an unconfirmed import named is not fetched from the keystore, let alone used.
  const uses: string[] = [];
  if (auth.method === 'private_key_jwt' && !inputs.signingKey) uses.push('clientAuth.keyAlias');
  if (profile.grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && !inputs.assertion) uses.push('clientAuth.keyAlias', 'jwtBearerClaims');
  if (!tlsCertPem && auth.tlsKeyAlias) uses.push('clientAuth.tlsKeyAlias');
  if (profile.dpop?.enabled && !inputs.dpopKey && profile.dpop.keyAlias) uses.push('dpop.keyAlias');
  // Request objects are signed with their own alias, else the client authentication key; JARM responses decrypted with theirs.
  const requestObjectAlias = profile.authorizationRequest.requestObjectKeyAlias;
  if (profile.authorizationRequest.requestObject !== 'off' && !inputs.requestObjectKey) uses.push(requestObjectAlias ? 'authorizationRequest.requestObjectKeyAlias' : 'clientAuth.keyAlias');
  if (profile.authorizationRequest.jarmDecryptionKeyAlias && !inputs.jarmDecryptionKey) uses.push('authorizationRequest.jarmDecryptionKeyAlias');
  assertImportConfirmed(profile, uses);
  const keyFromStore = async (alias: string, alg?: string) => {
    if (!stores.keystore) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', `key "${alias}" is in the keystore, which is not available`);
    return stores.keystore.getSigningKey(alias, alg);
  };
  if (auth.method === 'private_key_jwt' && !inputs.signingKey) {
    if (!auth.keyAlias) throw new WorkbenchError('MISSING_CONFIGURATION', 'private_key_jwt needs a keystore key alias or a key file');
    inputs.signingKey = await keyFromStore(auth.keyAlias, auth.signingAlg);
  }
  if (profile.grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && !inputs.assertion && !inputs.assertionSigner) {
    inputs.assertionSigner = jwtBearerSigner(inputs, auth.keyAlias ? await keyFromStore(auth.keyAlias, auth.signingAlg) : undefined);
  }

  // Request objects (RFC 9101) and JARM decryption (issue 14): keys from the keystore, for this run only.
  const ar = profile.authorizationRequest;
  if (ar.requestObject !== 'off' && !inputs.requestObjectKey) {
    const alias = ar.requestObjectKeyAlias ?? auth.keyAlias;
    if (alias) inputs.requestObjectKey = await keyFromStore(alias, ar.requestObjectAlg ?? auth.signingAlg);
    else if (!inputs.signingKey) throw new WorkbenchError('MISSING_CONFIGURATION', 'a request object needs a signing key: a keystore alias or a key file');
  }
  if (ar.jarmDecryptionKeyAlias && !inputs.jarmDecryptionKey) inputs.jarmDecryptionKey = (await keyFromStore(ar.jarmDecryptionKeyAlias)).key;
  // DPoP (issue 14): the profile's keystore key, else a fresh ES256 key for this run only.
  if (profile.dpop?.enabled && !inputs.dpopKey) {
    const dpop = await import('../engine/dpop');
    const alias = profile.dpop.keyAlias;
    inputs.dpopKey = alias ? await dpop.dpopKeyFromSigningKey(await keyFromStore(alias, profile.dpop.alg), `keystore:${alias}`, profile.dpop.alg) : await dpop.generateDpopKey(profile.dpop.alg ?? 'ES256');
  }

  const tls: TlsSettings = {};
  if (tlsCertPem || tlsKeyPem) {
    if (!tlsCertPem || !tlsKeyPem) throw new WorkbenchError('MISSING_CONFIGURATION', 'mutual TLS needs both a certificate and its private key');
    tls.cert = tlsCertPem;
    tls.key = tlsKeyPem;
  } else if (auth.tlsKeyAlias) {
    if (!stores.keystore) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', `TLS key "${auth.tlsKeyAlias}" is in the keystore, which is not available`);
    const creds = await stores.keystore.getTlsClientCredentials(auth.tlsKeyAlias);
    tls.cert = creds.certPem;
    tls.key = creds.keyPem;
  }
  if (caPem) tls.ca = caPem;
  else if (profile.network.caFile) tls.ca = await readPem(profile.network.caFile, 'CA bundle');
  if (profile.network.insecureSkipTlsVerify) tls.insecure = true;

  return {
    profile,
    inputs,
    network: { proxy: profile.network.proxy, timeoutMs: profile.network.timeoutMs, tls },
    ...(hideTokens !== undefined ? { hideTokens } : {}),
    ...(interactionTimeoutMs !== undefined ? { interactionTimeoutMs } : {}),
    ...(variables?.secretValues.length ? { redact: variables.secretValues } : {}),
  };
}

/** A JWT bearer assertion is signed with the profile's key, else (HS256) with the client secret. */
function jwtBearerSigner(inputs: FlowInputs, key: SigningKey | undefined): AssertionSigner | undefined {
  if (inputs.signingKey) return inputs.signingKey;
  if (key) return key;
  if (inputs.clientSecret) return { secret: inputs.clientSecret, alg: 'HS256' };
  return undefined;
}

export async function readPem(path: string, what: string): Promise<string> {
  // Loaded here: only profiles with a CA bundle file need it (node:fs costs every CLI start otherwise).
  const { readBoundedFile, FILE_CAPS } = await import('../storage/bounded-file');
  const text = (await readBoundedFile(path, { what, maxBytes: FILE_CAPS.caBundle })).toString('utf8');
  if (!text.includes('-----BEGIN')) throw new WorkbenchError('INVALID_INPUT', `${what} ${path} is not PEM`);
  return text;
}
