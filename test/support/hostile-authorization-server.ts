import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * An authorization server on 127.0.0.1 that publishes discovery and a JWKS
 * but answers authorization requests with whatever a test forges: JARM
 * responses with a foreign signature or audience, hybrid ID tokens with wrong
 * hashes. The test plays the browser (it reads the authorization URL and
 * delivers the forged response to the engine's loopback listener); this
 * server only has to be a believable issuer and count token requests.
 */
export interface HostileAuthorizationServer {
  issuer: string;
  /** The key the JWKS publishes. */
  signWithPublishedKey(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** A different key, announced with the published key's kid. */
  signWithRogueKey(claims: Record<string, unknown>): Promise<string>;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

const KID = 'published-1';

export async function startHostileAuthorizationServer(options: { requirePar?: boolean } = {}): Promise<HostileAuthorizationServer> {
  const [published, rogue] = await Promise.all([generateKeyPair('ES256', { extractable: true }), generateKeyPair('ES256')]);
  const jwk: JWK = { ...(await exportJWK(published.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/.well-known/openid-configuration')
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code', 'code id_token'],
        response_modes_supported: ['query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'],
        pushed_authorization_request_endpoint: `${issuer}/par`,
        ...(options.requirePar ? { require_pushed_authorization_requests: true } : {}),
      });
    if (path === '/par') return json(201, { request_uri: 'urn:ietf:params:oauth:request_uri:hostile', expires_in: 60 });
    if (path === '/jwks') return json(200, { keys: [jwk] });
    // A token request means the engine accepted a response it should have refused.
    if (path === '/token') return json(400, { error: 'invalid_grant', error_description: 'hostile server: the engine should not have come this far' });
    json(404, { error: 'not_found' });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (key: CryptoKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: KID, ...header }).sign(key);
  return {
    issuer,
    signWithPublishedKey: (claims, header) => sign(published.privateKey, claims, header),
    signWithRogueKey: (claims) => sign(rogue.privateKey, claims),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
