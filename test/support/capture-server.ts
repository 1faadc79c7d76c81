import { createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback server that records every byte any client sends it (HTTP
 * requests, proxy CONNECTs, TLS hellos) and answers each request with a 400,
 * so a test can assert that something — a client secret — never arrived.
 */
export interface CaptureServer {
  url: string;
  /** Everything received so far, all connections, as latin1 text. */
  received(): string;
  connections(): number;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (d.includes('\r\n\r\n')) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 27\r\nconnection: close\r\n\r\n{"error":"invalid_request"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => Buffer.concat(chunks).toString('latin1'),
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
