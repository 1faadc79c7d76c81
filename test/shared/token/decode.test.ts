import { base64url, CompactEncrypt, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeToken, MAX_TOKEN_LENGTH } from '../../../shared/token/decode';

const enc = (v: unknown) => base64url.encode(typeof v === 'string' ? v : JSON.stringify(v));
const raw = (header: string, payload: string, signature = 'c2ln') => `${header}.${payload}.${signature}`;

async function realJwt(claims: Record<string, unknown> = { sub: 'alice' }): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
}

function failure(input: unknown): string {
  const d = decodeToken(input);
  if (d.ok) throw new Error(`expected a failure, got ${d.format}`);
  expect(d.error.code === 'TOKEN_MALFORMED' || d.error.code === 'INVALID_INPUT').toBe(true);
  return d.error.message;
}

describe('decodeToken: JWS', () => {
  it('decodes header, payload, signature, size and time claims of a real JWT', async () => {
    const jwt = await realJwt({ sub: 'alice', auth_time: 1_700_000_000 });
    const d = decodeToken(jwt);
    if (!d.ok || d.format !== 'jws') throw new Error('not decoded');
    expect(d.header).toEqual({ alg: 'ES256', kid: 'k1', typ: 'JWT' });
    expect(d.payload.sub).toBe('alice');
    expect(d.signatureBytes).toBe(64);
    expect(d.size).toBe(jwt.length);
    expect(d.times.map((t) => t.claim)).toEqual(['iat', 'exp', 'auth_time']);
    const exp = d.times.find((t) => t.claim === 'exp');
    expect(exp?.relative).toMatch(/^in (59 minutes|1 hour)$/);
    expect(d.times.find((t) => t.claim === 'auth_time')?.iso).toBe('2023-11-14T22:13:20.000Z');
    expect(d.warnings).toEqual([]);
  });

  it('strips surrounding whitespace, quotes and a Bearer prefix, and says so', async () => {
    const jwt = await realJwt();
    const d = decodeToken(`  Bearer "${jwt}"\n`);
    expect(d.ok && d.format === 'jws' && d.token === jwt).toBe(true);
    if (d.ok) expect(d.warnings).toEqual(['removed the "Bearer" prefix', 'removed the surrounding quotes']);
  });

  it('decodes an unsecured token but warns about alg none', () => {
    const d = decodeToken(raw(enc({ alg: 'none' }), enc({ sub: 'x' }), ''));
    expect(d.ok && d.format === 'jws').toBe(true);
    if (d.ok) expect(d.warnings.join(' ')).toMatch(/unsecured/);
  });

  it('warns when the signature is empty for a signed alg', () => {
    const d = decodeToken(raw(enc({ alg: 'RS256' }), enc({ sub: 'x' }), ''));
    if (!d.ok) throw new Error(d.error.message);
    expect(d.warnings.join(' ')).toMatch(/signature segment is empty/);
  });
});

describe('decodeToken: malformed input gets a precise message', () => {
  const h = enc({ alg: 'RS256' });
  const p = enc({ sub: 'x' });

  it('wrong segment count with a JOSE header', () => {
    expect(failure(`${h}.${p}`)).toMatch(/has 2 segments; a signed JWT \(JWS\) has 3/);
    expect(failure(`${h}.${p}.c2ln.extra`)).toMatch(/has 4 segments/);
    expect(failure(h)).toMatch(/1 segment/);
  });

  it('empty header or payload segment', () => {
    expect(failure(raw('', p))).toMatch(/header segment is empty/);
    expect(failure(raw(h, ''))).toMatch(/payload segment is empty/);
  });

  it('standard base64 characters', () => {
    expect(failure(raw(h, `${p}+`))).toMatch(/"\+" is standard base64, not base64url/);
    expect(failure(raw(h, p, 'ab/c'))).toMatch(/"\/" is standard base64/);
    expect(failure(raw(`${h}==`, p))).toMatch(/"=" is standard base64 padding/);
  });

  it('impossible base64url length', () => {
    expect(failure(raw(h, 'abcde'))).toMatch(/impossible base64url length/);
  });

  it('invalid UTF-8', () => {
    expect(failure(raw(h, base64url.encode(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))))).toMatch(/payload is not valid UTF-8/);
  });

  it('a header or payload that is not a JSON object', () => {
    expect(failure(raw(enc('not json'), p))).toMatch(/header is not JSON/);
    expect(failure(raw(h, enc([1, 2])))).toMatch(/payload is JSON but not an object \(it is an array\)/);
    expect(failure(raw(h, enc('null')))).toMatch(/not an object \(it is null\)/);
    expect(failure(raw(enc('"alg"'), p))).toMatch(/header is JSON but not an object \(it is a string\)/);
  });

  it('whitespace inside the token', () => {
    expect(failure(`${h}.${p.slice(0, 3)}\n${p.slice(3)}.c2ln`)).toMatch(/whitespace at position/);
  });

  it('a token of several megabytes is refused before any work', () => {
    const huge = `${h}.${'A'.repeat(3 * 1024 * 1024)}.c2ln`;
    expect(huge.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(failure(huge)).toMatch(/MiB; tokens larger than 1024 KiB are refused/);
  });

  it('empty input and non-strings', () => {
    expect(failure('   ')).toMatch(/empty/);
    expect(failure(undefined)).toMatch(/expected a token as text/);
    expect(failure(42)).toMatch(/expected a token as text, got number/);
  });

  it('a JWE missing enc or its IV', () => {
    expect(failure(`${enc({ alg: 'dir' })}..aXY.Y3Q.dGFn`)).toMatch(/no "enc"/);
    expect(failure(`${enc({ alg: 'dir', enc: 'A128GCM' })}...Y3Q.dGFn`)).toMatch(/initialization vector segment is empty/);
    expect(failure(`${enc({ alg: 'RSA-OAEP', enc: 'A128GCM' })}..aXY.Y3Q.dGFn`)).toMatch(/encrypted key segment is empty/);
  });
});

describe('decodeToken: JWE and opaque tokens', () => {
  it('shows the header and part sizes of a real JWE and flags a nested JWT', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(await realJwt()))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(publicKey);
    const d = decodeToken(jwe);
    if (!d.ok || d.format !== 'jwe') throw new Error('not a JWE');
    expect(d.header).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    expect(d.parts.encryptedKey).toBe(256);
    expect(d.parts.iv).toBe(12);
    expect(d.parts.tag).toBe(16);
    expect(d.nestedJwt).toBe(true);
  });

  it('recognises opaque tokens and offers introspection', () => {
    for (const t of ['2YotnFZFEjr1zCsicMWpAA', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', 'abc.def']) {
      const d = decodeToken(t);
      expect(d.ok && d.format === 'opaque', t).toBe(true);
      if (d.ok && d.format === 'opaque') expect(d.hint).toMatch(/introspection/);
    }
  });

  it('an opaque token that is base64 JSON without alg stays opaque', () => {
    const d = decodeToken(enc({ user: 'x' }));
    expect(d.ok && d.format).toBe('opaque');
  });

  it('non-ASCII in an opaque-looking token is reported', () => {
    expect(failure('tökén')).toMatch(/non-ASCII character at position 1/);
  });
});
