import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors';
import { runFlow } from '../../electron/engine/flow';
import { startSandbox, type SandboxHandle } from '../../electron/sandbox';
import { runCli, tempHome } from '../cli/run-cli';
import { sandboxProfile, sandboxRun } from './fixtures';

/** A real forward proxy (CONNECT tunnels) that records where it was asked to go. */
async function startTunnelProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let sandbox: SandboxHandle;
let proxy: Awaited<ReturnType<typeof startTunnelProxy>>;
beforeAll(async () => {
  sandbox = await startSandbox();
  proxy = await startTunnelProxy();
});
afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
});

describe('proxies', () => {
  it('a profile proxy carries discovery and the token request', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials', { network: { proxy: proxy.url } });
    const config = await sandboxRun(sandbox, profile);
    config.network.proxy = proxy.url;
    const result = await runFlow(config, { openBrowser: async () => undefined });
    expect(result.tokens.access_token).toBeTruthy();
    expect(proxy.targets).toContain(new URL(sandbox.issuer).host);
  });

  it('mutual TLS through the proxy keeps the client certificate end to end', async () => {
    const before = proxy.targets.length;
    const profile = sandboxProfile(sandbox, 'sandbox-tls', 'client_credentials');
    const config = await sandboxRun(sandbox, profile);
    config.network.proxy = proxy.url;
    expect((await runFlow(config, { openBrowser: async () => undefined })).tokens.access_token).toBeTruthy();
    expect(proxy.targets.slice(before)).toContain(new URL(sandbox.mtlsOrigin).host);
  });

  it('HTTPS_PROXY / HTTP_PROXY from the environment, and NO_PROXY bypassing it', async () => {
    const home = tempHome();
    const args = ['token', sandbox.issuer, '--client-id', 'sandbox-basic', '--client-secret', sandbox.clients['sandbox-basic']!.client_secret!, '--grant-type', 'client_credentials', '--silent'];
    const before = proxy.targets.length;
    const via = await runCli(args, { home, env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' } });
    expect(via.code).toBe(0);
    expect(proxy.targets.length).toBeGreaterThan(before);
    const after = proxy.targets.length;
    const bypass = await runCli(args, { home, env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(bypass.code).toBe(0);
    expect(proxy.targets.length).toBe(after);
  });

  it('ensure-unreachable-proxy-is-reported', async () => {
    const profile = sandboxProfile(sandbox, 'sandbox-basic', 'client_credentials');
    const config = await sandboxRun(sandbox, profile);
    config.network.proxy = 'http://127.0.0.1:9';
    const err = await runFlow(config, { openBrowser: async () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toMatch(/CONNECTION_REFUSED|NETWORK_ERROR/);
  });
});
