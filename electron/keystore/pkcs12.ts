import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { WorkbenchError } from '../../shared/errors';

export interface Pkcs12Contents {
  privateKeys: KeyObject[];
  /** DER certificates in the order the file lists them. */
  certificates: Buffer[];
}

const fromForgeBytes = (bytes: string) => Buffer.from(bytes, 'binary');

/** True when the bytes are a PFX structure at all, so callers can try other DER formats otherwise. */
export function looksLikePkcs12(der: Uint8Array): boolean {
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')), false);
    // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL }
    const version = Array.isArray(asn1.value) ? asn1.value[0] : undefined;
    return !!version && version.type === forge.asn1.Type.INTEGER && forge.asn1.derToInteger(version.value as string) === 3;
  } catch {
    return false;
  }
}

/**
 * Reads a PKCS#12 (.p12/.pfx) with its password through node-forge, including
 * OpenSSL 3's default PBES2/AES-256-CBC/HMAC-SHA-256 files. Keys forge cannot
 * model (EC, Ed25519) come back as raw PKCS#8 and are parsed by node:crypto.
 */
export function readPkcs12(der: Uint8Array, password: string | undefined): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')), false);
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (err) {
    const message = (err as Error).message;
    if (/Invalid password|wrong password|MAC could not be verified/i.test(message))
      throw new WorkbenchError(
        'WRONG_PASSPHRASE',
        password === undefined ? 'the PKCS#12 file is password-protected; give its password' : 'wrong password for the PKCS#12 file',
        { cause: err },
      );
    throw new WorkbenchError('KEY_INVALID', `cannot read the PKCS#12 file: ${message}`, { cause: err });
  }

  const privateKeys: KeyObject[] = [];
  const certificates: Buffer[] = [];
  for (const safeContents of p12.safeContents) {
    for (const bag of safeContents.safeBags) {
      const raw = bag as forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };
      if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
        const pkcs8 = raw.asn1 ?? (bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : undefined);
        if (!pkcs8) continue;
        try {
          privateKeys.push(createPrivateKey({ key: fromForgeBytes(forge.asn1.toDer(pkcs8).getBytes()), format: 'der', type: 'pkcs8' }));
        } catch (err) {
          throw new WorkbenchError('KEY_INVALID', `the PKCS#12 file's private key cannot be read: ${(err as Error).message}`, { cause: err });
        }
      } else if (bag.type === forge.pki.oids.certBag) {
        const cert = raw.asn1 ?? (bag.cert ? forge.pki.certificateToAsn1(bag.cert) : undefined);
        if (cert) certificates.push(fromForgeBytes(forge.asn1.toDer(cert).getBytes()));
      }
    }
  }
  return { privateKeys, certificates };
}
