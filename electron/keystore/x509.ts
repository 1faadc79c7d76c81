// @peculiar/x509 2.x resolves its providers through tsyringe, which needs a
// Reflect metadata polyfill loaded first; every use goes through this module.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// Node's webcrypto is the Web Crypto API; the cast bridges @types/node's and the DOM's declarations of it.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
