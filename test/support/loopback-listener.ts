import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: URL;
  body: string;
}

export interface LoopbackListener {
  /** http://127.0.0.1:PORT/callback */
  redirectUri: string;
  /** Resolves with the first request that reaches the listener. */
  received: Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/** A throwaway HTTP server on 127.0.0.1 that stands in for a native app's redirect listener. */
export async function startLoopbackListener(path = '/callback'): Promise<LoopbackListener> {
  let deliver!: (r: ReceivedRequest) => void;
  const received = new Promise<ReceivedRequest>((resolve) => (deliver = resolve));
  const sockets = new Set<Socket>();
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    deliver({ method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://127.0.0.1'), body: Buffer.concat(chunks).toString('utf8') });
    res.setHeader('content-type', 'text/plain');
    res.end('received; you can close this window');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    redirectUri: `http://127.0.0.1:${address.port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
