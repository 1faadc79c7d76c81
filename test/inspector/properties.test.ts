import fc from 'fast-check';
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../electron/inspector/verify';
import { decodeToken } from '../../shared/token/decode';
import { nowSeconds, sign, testKey, type TestKey } from './support/tokens';

/**
 * Property tests: whatever the input, the decoder returns a result and the
 * verifier a report — never an exception, and never "ok" for a token the
 * key did not sign.
 */

let key: TestKey;
let valid: string;
beforeAll(async () => {
  key = await testKey('ES256', 'p-1');
  valid = await sign({ alg: 'ES256', kid: key.kid }, { sub: 'alice', iat: nowSeconds(), exp: nowSeconds() + 600 }, key.privateKey);
});

const b64 = (v: unknown) => base64url.encode(typeof v === 'string' ? v : JSON.stringify(v));
const segment = fc.oneof(
  fc.string(),
  fc.base64String().map((s) => s),
  fc.uint8Array({ maxLength: 64 }).map((b) => base64url.encode(b)),
  fc.jsonValue().map(b64),
  fc.dictionary(fc.constantFrom('alg', 'kid', 'typ', 'crit', 'enc', 'b64', 'zip', 'jwk', 'p2c'), fc.jsonValue()).map(b64),
  fc.constantFrom('', 'eyJ', '====', '..', 'e30'),
);
const tokenish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  fc.tuple(fc.jsonValue(), fc.jsonValue(), segment).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${s}`),
);

describe('decodeToken never throws', () => {
  it('returns a result with a typed error or a decoded token for any input', () => {
    fc.assert(
      fc.property(fc.oneof(tokenish, fc.anything()), (input) => {
        const d = decodeToken(input);
        if (!d.ok) {
          expect(['TOKEN_MALFORMED', 'INVALID_INPUT']).toContain(d.error.code);
          expect(d.error.message.length).toBeGreaterThan(0);
          expect(d.error.message).not.toMatch(/^cannot decode: /);
        } else {
          expect(['jws', 'jwe', 'opaque']).toContain(d.format);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('verifyToken never throws and never accepts a forgery', () => {
  it('returns a report for any input, with a known error code when unusable', async () => {
    await fc.assert(
      fc.asyncProperty(tokenish, async (input) => {
        const report = await verifyToken(input, { jwks: { keys: [key.publicJwk] }, clientId: 'c' });
        expect(report.ok).toBe(false);
        if (report.inputError) expect(report.inputError.code).not.toBe('INTERNAL');
        for (const c of report.checks) expect(['passed', 'failed', 'not_checked']).toContain(c.status);
      }),
      { numRuns: 400 },
    );
  });

  it('any change to a valid token makes it fail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'), async (at, ch) => {
        const i = at % valid.length;
        fc.pre(valid[i] !== ch);
        const mutated = `${valid.slice(0, i)}${ch}${valid.slice(i + 1)}`;
        const report = await verifyToken(mutated, { jwks: { keys: [key.publicJwk] } });
        // A change in the last character can hit only padding bits of the signature, leaving the same bytes.
        const sameBytes = report.checks.find((c) => c.id === 'signature')?.status === 'passed' && decodesToSameBytes(valid, mutated);
        expect(report.ok && !sameBytes).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('random options with a valid token still yield a report', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            issuer: fc.string(),
            audience: fc.string(),
            nonce: fc.string(),
            clockSkewSeconds: fc.oneof(fc.integer(), fc.double()),
            maxTokenAgeSeconds: fc.integer(),
            algorithms: fc.array(fc.string()),
            idToken: fc.boolean(),
            accessToken: fc.boolean(),
            typ: fc.string(),
            secret: fc.string({ minLength: 1 }),
            key: fc.string(),
          },
          { requiredKeys: [] },
        ),
        async (opts) => {
          const report = await verifyToken(valid, opts);
          expect(typeof report.ok).toBe('boolean');
          if (report.inputError) expect(report.inputError.code).not.toBe('INTERNAL');
        },
      ),
      { numRuns: 300 },
    );
  });
});

function decodesToSameBytes(a: string, b: string): boolean {
  const [ha, pa, sa] = a.split('.');
  const [hb, pb, sb] = b.split('.');
  try {
    return ha === hb && pa === pb && Buffer.from(base64url.decode(sa ?? '')).equals(Buffer.from(base64url.decode(sb ?? '')));
  } catch {
    return false;
  }
}
