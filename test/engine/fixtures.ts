import { importJWK } from 'jose';
import type { GrantType } from '../../shared/grants';
import { ConnectionProfileSchema, type ConnectionProfile, type ConnectionProfileInput } from '../../shared/profile';
import type { SigningKey } from '../../electron/engine/assertion';
import type { FlowConfig, FlowInputs } from '../../electron/engine/flow';
import type { SandboxClient, SandboxHandle } from '../../electron/sandbox';

/** A profile for a sandbox client, as a user would save it. */
export function sandboxProfile(sandbox: SandboxHandle, clientId: string, grantType: GrantType, extra: Partial<ConnectionProfileInput> = {}): ConnectionProfile {
  const client = sandbox.clients[clientId];
  if (!client) throw new Error(`no sandbox client ${clientId}`);
  return ConnectionProfileSchema.parse({
    id: `test-${clientId}`,
    name: `${clientId} ${grantType}`,
    issuer: sandbox.issuer,
    grantType,
    clientId,
    clientAuth: { method: client.token_endpoint_auth_method, ...(extra.clientAuth ?? {}) },
    ...extra,
  });
}

export async function sandboxSigningKey(client: SandboxClient, alg: string): Promise<SigningKey> {
  const family = alg.startsWith('RS') || alg.startsWith('PS') ? 'RSA' : alg === 'EdDSA' ? 'OKP' : 'EC';
  const wantedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg];
  const key = client.signingKeys?.find((k) => k.privateJwk.kty === family && (!wantedCurve || k.privateJwk.crv === wantedCurve));
  if (!key) throw new Error(`sandbox client ${client.client_id} has no key for ${alg}`);
  return { key: (await importJWK(key.privateJwk, alg)) as SigningKey['key'], alg, kid: key.kid };
}

/** Per-run inputs and TLS settings for a sandbox client's auth method. */
export async function sandboxRun(sandbox: SandboxHandle, profile: ConnectionProfile, inputs: FlowInputs = {}, alg?: string): Promise<FlowConfig> {
  const client = sandbox.clients[profile.clientId]!;
  const all: FlowInputs = { ...inputs };
  if (client.client_secret) all.clientSecret ??= client.client_secret;
  if (profile.clientAuth.method === 'private_key_jwt') all.signingKey ??= await sandboxSigningKey(client, alg ?? 'ES256');
  return {
    profile,
    inputs: all,
    network: {
      tls: {
        ca: sandbox.caPem,
        ...(client.tls ? { cert: client.tls.certPem, key: client.tls.keyPem } : {}),
      },
    },
    interactionTimeoutMs: 20_000,
  };
}
