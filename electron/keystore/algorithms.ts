import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { WorkbenchError } from '../../shared/errors';
import { ASYMMETRIC_SIGNING_ALGS, type AsymmetricAlg } from '../../shared/grants';

/** What kind of key pair an entry holds; decides which JWS algorithms it may sign with. */
export type KeyKind =
  | { keyType: 'RSA'; modulusLength: number }
  | { keyType: 'EC'; curve: EcCurve }
  | { keyType: 'OKP'; curve: 'Ed25519' };

export const EC_CURVES = ['P-256', 'P-384', 'P-521'] as const;
export type EcCurve = (typeof EC_CURVES)[number];
export const RSA_MODULUS_LENGTHS = [2048, 3072, 4096] as const;
export type RsaModulusLength = (typeof RSA_MODULUS_LENGTHS)[number];

const RSA_ALGS: AsymmetricAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALG: Record<EcCurve, AsymmetricAlg> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
/** OpenSSL's curve names as node:crypto reports them. */
const OPENSSL_CURVES: Record<string, EcCurve> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
/** Below this RSA is weak, and jose refuses to sign with it anyway. */
const MIN_RSA_BITS = 2048;

export function isAsymmetricAlg(alg: string): alg is AsymmetricAlg {
  return (ASYMMETRIC_SIGNING_ALGS as readonly string[]).includes(alg);
}

/** The JWS algorithms a key of this kind signs with; the first is its default. */
export function algorithmsFor(kind: KeyKind): AsymmetricAlg[] {
  if (kind.keyType === 'RSA') return RSA_ALGS;
  if (kind.keyType === 'EC') return [EC_ALG[kind.curve]];
  return ['EdDSA'];
}

/** Validates a private key parsed from anywhere and says what it is, refusing what JWS cannot use. */
export function describePrivateKey(key: KeyObject): KeyKind {
  if (key.type !== 'private') throw new WorkbenchError('KEY_INVALID', 'this is a public key only; a keystore entry needs the private key');
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new WorkbenchError('UNSUPPORTED', `RSA keys need at least ${MIN_RSA_BITS} bits; this one has ${bits}`);
    return { keyType: 'RSA', modulusLength: bits };
  }
  if (type === 'ec') {
    const curve = OPENSSL_CURVES[details.namedCurve ?? ''];
    if (!curve)
      throw new WorkbenchError('UNSUPPORTED', `the EC curve ${details.namedCurve ?? '(unnamed)'} has no JWS algorithm; use P-256, P-384 or P-521`);
    return { keyType: 'EC', curve };
  }
  if (type === 'ed25519') return { keyType: 'OKP', curve: 'Ed25519' };
  throw new WorkbenchError('UNSUPPORTED', `${type ?? 'this'} keys cannot sign JWTs here; use RSA (2048+), EC P-256/P-384/P-521 or Ed25519`);
}

export interface GenerateSpec {
  alg: AsymmetricAlg;
  /** RSA only; default 2048. */
  modulusLength?: RsaModulusLength;
}

const generate = promisify(generateKeyPair);

/** A fresh private key for the algorithm; the curve follows from ES256/384/512. */
export async function generatePrivateKey(spec: GenerateSpec): Promise<KeyObject> {
  const { alg } = spec;
  if (!isAsymmetricAlg(alg)) throw new WorkbenchError('UNSUPPORTED', `cannot generate a key for ${String(alg)}; choose one of ${ASYMMETRIC_SIGNING_ALGS.join(', ')}`);
  if (RSA_ALGS.includes(alg)) {
    const modulusLength = spec.modulusLength ?? 2048;
    if (!(RSA_MODULUS_LENGTHS as readonly number[]).includes(modulusLength))
      throw new WorkbenchError('INVALID_INPUT', `RSA key size must be one of ${RSA_MODULUS_LENGTHS.join(', ')}`);
    return (await generate('rsa', { modulusLength })).privateKey;
  }
  if (spec.modulusLength !== undefined) throw new WorkbenchError('INVALID_INPUT', `a key size applies to RSA only, not ${alg}`);
  if (alg === 'EdDSA') return (await generate('ed25519')).privateKey;
  const curve = (Object.keys(EC_ALG) as EcCurve[]).find((c) => EC_ALG[c] === alg)!;
  return (await generate('ec', { namedCurve: curve })).privateKey;
}

/** The algorithm a JWK's `kty`/`crv` imports under in WebCrypto (jose needs one to import). */
export function importAlgForJwk(kty: string, crv: string | undefined): AsymmetricAlg {
  if (kty === 'RSA') return 'RS256';
  if (kty === 'EC') {
    if (crv && crv in EC_ALG) return EC_ALG[crv as EcCurve];
    throw new WorkbenchError('UNSUPPORTED', `the EC curve ${crv ?? '(none)'} has no JWS algorithm; use P-256, P-384 or P-521`);
  }
  if (kty === 'OKP') {
    if (crv === 'Ed25519') return 'EdDSA';
    throw new WorkbenchError('UNSUPPORTED', `OKP curve ${crv ?? '(none)'} cannot sign JWTs here; only Ed25519`);
  }
  if (kty === 'oct') throw new WorkbenchError('UNSUPPORTED', 'symmetric (oct) JWKs are shared secrets, not key pairs; keep them as a client secret');
  throw new WorkbenchError('UNSUPPORTED', `JWK key type "${kty}" is not supported`);
}
