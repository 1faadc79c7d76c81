import { WorkbenchError } from '../../../shared/errors';
import type { InspectorResult } from '../../../shared/ipc';
import { decodeToken } from '../../../shared/token/decode';
import { HttpClient } from '../../engine/http';
import { decryptToken } from '../../inspector/decrypt';
import { keystoreDecryptionKey, keystoreVerificationKey } from '../../inspector/keystore-keys';
import { verifyToken, type VerifyOptions } from '../../inspector/verify';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** A decrypted plaintext that is not a token is shown, up to this many characters. */
const MAX_PLAINTEXT_SHOWN = 64 * 1024;

/**
 * The Inspector screen (issue 12): any token the user pastes, decoded; a JWE decrypted with a
 * keystore key (the private key never leaves this process); the JWT verified against the key
 * source the user picked — an issuer (discovery, then its JWKS), a JWKS URL or file, a keystore
 * key or a shared secret.
 */
export function inspectorHandlers(c: ServiceContext): Pick<Handlers, 'inspectorInspect'> {
  return {
    inspectorInspect: async ({ token, source, expectedIssuer, expectedAudience, tokenKind, decryptWith }): Promise<InspectorResult> => {
      const decoded = decodeToken(token);
      if (!decoded.ok) throw new WorkbenchError(decoded.error.code, decoded.error.message);
      if (decoded.format === 'opaque') return { format: 'opaque' };
      const result: InspectorResult = { format: decoded.format === 'jws' ? 'jwt' : 'jwe', header: decoded.header };
      let jwt: string | undefined = decoded.format === 'jws' ? decoded.token : undefined;
      if (decoded.format === 'jws') result.payload = decoded.payload;
      if (decoded.format === 'jwe') {
        if (!decryptWith) return result;
        const key = await keystoreDecryptionKey(c.keystoreOrThrow(), decryptWith);
        const opened = await decryptToken(decoded.token, key);
        const nested = opened.nested;
        result.decrypted = {
          header: opened.header,
          plaintextBytes: opened.plaintextBytes,
          nested: nested ? (nested.format === 'jws' ? 'jwt' : 'jwe') : 'none',
          ...(nested ? { nestedHeader: nested.header } : { plaintext: opened.plaintext.slice(0, MAX_PLAINTEXT_SHOWN) }),
        };
        if (nested?.format === 'jws') {
          result.payload = nested.payload;
          jwt = nested.token;
        }
      }
      if (!jwt || source.kind === 'none') return result;

      const options: VerifyOptions = {
        ...(expectedIssuer ? { issuer: expectedIssuer } : {}),
        ...(expectedAudience ? { audience: expectedAudience } : {}),
        ...(tokenKind === 'id' ? { idToken: true } : tokenKind === 'access' ? { accessToken: true } : {}),
      };
      if (source.kind === 'issuer') options.issuer = expectedIssuer || source.issuer;
      if (source.kind === 'jwksUrl') options.jwksUri = source.url;
      if (source.kind === 'jwks') options.jwks = source.jwks;
      if (source.kind === 'keystore') options.key = await keystoreVerificationKey(c.keystoreOrThrow(), source.alias);
      if (source.kind === 'secret') options.secret = source.secret;
      const http = new HttpClient(await c.networkOf(undefined));
      try {
        result.report = await verifyToken(jwt, { ...options, http });
      } finally {
        await http.close();
      }
      return result;
    },
  };
}
