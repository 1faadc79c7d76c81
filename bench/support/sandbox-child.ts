// The sandbox authorization server in its own process, so the server's CPU
// time never shares an event loop with the client being measured.
// Reads the client JWKS to trust from the first IPC message, answers with
// the issuer and client secrets, and exits when its parent disconnects.
import type { JSONWebKeySet } from 'jose';
import { startSandbox } from '../../electron/sandbox';

process.once('message', async (msg: { clientJwks?: JSONWebKeySet }) => {
  const sandbox = await startSandbox({ ...(msg.clientJwks ? { clientJwks: msg.clientJwks } : {}), accessTokenTtl: 3600 });
  const secrets = Object.fromEntries(Object.entries(sandbox.clients).map(([id, c]) => [id, c.client_secret]));
  process.send?.({ issuer: sandbox.issuer, caPem: sandbox.caPem, secrets });
  process.once('disconnect', () => void sandbox.close().finally(() => process.exit(0)));
});
