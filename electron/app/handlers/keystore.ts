import { calculateJwkThumbprint, type JWK } from 'jose';
import type { KeyInfo } from '../../../shared/ipc';
import type { KeyInfo as KeystoreKeyInfo } from '../../keystore/types';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

type KeystoreOps = 'listKeys' | 'generateKey' | 'importKey' | 'attachCertificate' | 'generateCertificate' | 'exportKey' | 'deleteKey' | 'setKeyKid';

const decodeInput = (encoding: 'text' | 'base64', data: string): string | Uint8Array => (encoding === 'text' ? data : Buffer.from(data, 'base64'));

async function keyInfo(k: KeystoreKeyInfo): Promise<KeyInfo> {
  const { kty, n, e, crv, x, y } = k.publicJwk;
  const members = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined)) as JWK;
  return { ...k, publicJwk: { ...k.publicJwk }, thumbprint: await calculateJwkThumbprint(members) };
}

/** The keystore: public information out, private keys never. */
export function keystoreHandlers(c: ServiceContext): Pick<Handlers, KeystoreOps> {
  const ks = () => c.keystoreOrThrow();
  return {
    listKeys: async () => Promise.all((await ks().list()).map(keyInfo)),
    generateKey: async ({ alias, alg, modulusLength }) => keyInfo(await ks().generate({ alias, alg, ...(modulusLength ? { modulusLength } : {}) })),
    importKey: async ({ alias, encoding, data, passphrase, alg }) =>
      Promise.all(
        (await ks().import({ data: decodeInput(encoding, data), ...(alias ? { alias } : {}), ...(passphrase ? { passphrase } : {}), ...(alg ? { alg } : {}) })).map(keyInfo),
      ),
    attachCertificate: async ({ alias, encoding, data }) => keyInfo(await ks().attachCertificate(alias, decodeInput(encoding, data))),
    generateCertificate: async ({ alias, subject, validityDays }) =>
      keyInfo(await ks().generateSelfSignedCertificate(alias, { subject, ...(validityDays ? { validityDays } : {}) })),
    exportKey: async ({ alias, format }) => {
      const k = ks();
      switch (format) {
        case 'jwk':
          return { text: `${JSON.stringify(await k.exportPublicJwk(alias), null, 2)}\n`, filename: `${alias}.jwk.json` };
        case 'jwks':
          return { text: `${JSON.stringify({ keys: [await k.exportPublicJwk(alias)] }, null, 2)}\n`, filename: `${alias}.jwks.json` };
        case 'pem':
          return { text: await k.exportPublicPem(alias), filename: `${alias}.pub.pem` };
        case 'certificate':
          return { text: await k.exportCertificatePem(alias), filename: `${alias}.crt.pem` };
      }
    },
    deleteKey: async ({ alias }) => {
      await ks().delete(alias);
    },
    // Interop settings (issue 13)
    setKeyKid: async (arg) => keyInfo('reset' in arg ? await ks().resetKid(arg.alias) : await ks().setKid(arg.alias, arg.kid)),
  };
}
