import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { ConnectionProfileSchema } from '../../shared/profile';
import { certificateThumbprint } from '../../electron/engine/binding';
import { runFlow } from '../../electron/engine/flow';
import { createSelfSignedCertificate, type IssuedCertificate } from '../../electron/sandbox/pki';
import { FOREIGN_X5T_S256, HOSTILE_ROUTES, startHostileServer, type HostileServer } from '../support/hostile-server';

/**
 * Certificate-bound tokens (RFC 8705 §3) from a server on loopback that binds them to a certificate the client
 * does not hold: the engine must compare cnf.x5t#S256 with its own certificate and refuse, naming both.
 */
let hostile: HostileServer;
let cert: IssuedCertificate;
beforeAll(async () => {
  [hostile, cert] = await Promise.all([startHostileServer(), createSelfSignedCertificate('CN=hostile-test-client')]);
});
afterAll(async () => {
  await hostile?.close();
});

async function tokenWithCertificate(method: 'client_secret_basic' | 'self_signed_tls_client_auth', certificateBoundTokens: boolean) {
  const profile = ConnectionProfileSchema.parse({
    id: 'hostile-mtls',
    name: 'hostile-mtls',
    discovery: false,
    endpoints: { token: hostile.url(HOSTILE_ROUTES.mtlsForeignX5t) },
    grantType: 'client_credentials',
    clientId: 'client',
    clientAuth: { method },
    ...(certificateBoundTokens ? { certificateBoundTokens: { enabled: true } } : {}),
  });
  return runFlow(
    { profile, inputs: method === 'client_secret_basic' ? { clientSecret: 'the-secret-value' } : {}, network: { timeoutMs: 5_000, tls: { cert: cert.certPem, key: cert.keyPem } } },
    { openBrowser: async () => undefined },
  ).catch((e: unknown) => e);
}

describe('hostile certificate-bound tokens', () => {
  it('ensure-cnf-x5t-s256-mismatch-fails: a token bound to another certificate is refused with both thumbprints named', async () => {
    const outcome = await tokenWithCertificate('client_secret_basic', true);
    expect(outcome).toBeInstanceOf(WorkbenchError);
    const err = outcome as WorkbenchError;
    expect(err.code).toBe('TOKEN_BINDING_MISMATCH');
    expect(err.message).toContain('bound to another client certificate');
    expect(err.message).toContain(FOREIGN_X5T_S256);
    expect(err.message).toContain(certificateThumbprint(cert.certPem));
    expect(err.details?.binding).toMatchObject({ kind: 'mtls', status: 'mismatch', actual: FOREIGN_X5T_S256, expected: certificateThumbprint(cert.certPem) });
  });

  it('ensure-cnf-x5t-s256-mismatch-fails-for-a-mutual-tls-client: the check runs when the token carries a binding even if the profile did not ask for one', async () => {
    const outcome = await tokenWithCertificate('self_signed_tls_client_auth', false);
    expect(outcome).toBeInstanceOf(WorkbenchError);
    expect((outcome as WorkbenchError).code).toBe('TOKEN_BINDING_MISMATCH');
    expect((outcome as Error).message).toContain(FOREIGN_X5T_S256);
  });
});
