import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

/** A key set served on 127.0.0.1 that a test can rotate, counting how often it was fetched. */
export interface JwksServer {
  url: string;
  requests: number;
  set(jwks: JSONWebKeySet | Record<string, unknown>): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JSONWebKeySet | Record<string, unknown>): Promise<JwksServer> {
  let body = JSON.stringify(initial);
  const server = createServer((req, res) => {
    handle.requests++;
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: JwksServer = {
    url: `http://127.0.0.1:${port}/jwks`,
    requests: 0,
    set(jwks) {
      body = JSON.stringify(jwks);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return handle;
}
