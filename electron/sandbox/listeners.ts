import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server, Socket } from 'node:net';
import { WorkbenchError } from '../../shared/errors';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Listener {
  port: number;
  /** Stops accepting, then destroys open (keep-alive) connections so the process can exit. */
  close(): Promise<void>;
}

/** The TLS settings of the mutual-TLS listener: any client certificate is asked for, none is required. */
export interface MutualTlsOptions {
  certPem: string;
  keyPem: string;
  /** Client certificates chaining to this CA count as authorized (tls_client_auth). */
  caPem: string;
}

export function listenHttp(port: number, handler: RequestHandler): Promise<Listener> {
  return listen(createHttpServer(handler), port);
}

export function listenMutualTls(port: number, tls: MutualTlsOptions, handler: RequestHandler): Promise<Listener> {
  const server = createHttpsServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      ca: tls.caPem,
      requestCert: true,
      // Self-signed client certificates must reach oidc-provider, which decides per client.
      rejectUnauthorized: false,
    },
    handler,
  );
  return listen(server, port);
}

function listen(server: Server, port: number): Promise<Listener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(listenError(err, port));
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('listener has no TCP address'));
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

function listenError(err: NodeJS.ErrnoException, port: number): Error {
  if (err.code === 'EADDRINUSE') return new WorkbenchError('INVALID_INPUT', `port ${port} on 127.0.0.1 is already in use`, { cause: err, details: { port } });
  if (err.code === 'EACCES') return new WorkbenchError('INVALID_INPUT', `not allowed to listen on port ${port} on 127.0.0.1`, { cause: err, details: { port } });
  return err;
}
