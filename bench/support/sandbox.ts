import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JSONWebKeySet } from 'jose';

export interface RemoteSandbox {
  issuer: string;
  caPem: string;
  secrets: Record<string, string | undefined>;
  pid: number;
  close(): Promise<void>;
}

/** Starts bench/support/sandbox-child in a child process (built next to this file as sandbox-child.js). */
export async function startRemoteSandbox(clientJwks?: JSONWebKeySet): Promise<RemoteSandbox> {
  const child = fork(fileURLToPath(new URL('./sandbox-child.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send({ clientJwks });
  const info = await new Promise<Omit<RemoteSandbox, 'close' | 'pid'>>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Omit<RemoteSandbox, 'close' | 'pid'>));
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return {
    ...info,
    pid: child.pid as number,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
