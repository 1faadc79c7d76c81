import { WorkbenchError } from '../../../shared/errors';
import type { TokenInspection } from '../../../shared/ipc';
import { decodeToken } from '../../../shared/token/decode';
import { buildLogoutUrl } from '../../inspector/logout';
import {
  introspectionRequest,
  processIntrospectionResponse,
  processRevocationResponse,
  processUserinfoResponse,
  revocationRequest,
  userinfoRequest,
} from '../../inspector/server-checks';
import type { AuthMethod } from '../../../shared/grants';
import type { EndpointAuthChoice } from '../../engine/endpoint-auth';
import { processExplained, type SentRequest } from '../../engine/failure-hints';
import type { PreparedRequest } from '../../engine/http';
import { checkBinding, type TokenBindingCheck } from '../../../shared/binding';
import { certificateThumbprint } from '../../engine/binding';
import { subjectOf, type ServiceContext, type TokenContext } from '../context';
import type { Handlers } from '../dispatch';
import { verifyForInspection } from '../verify';

/** What a failed introspection or revocation names in its error (issue 13). */
function sentRequest(t: TokenContext, label: string, method: AuthMethod): SentRequest {
  return { label, authMethod: method, basicEncoding: t.profile.interop.basicEncoding, clientId: t.profile.clientId, ...(t.clientSecret !== undefined ? { clientSecret: t.clientSecret } : {}) };
}

const hintOf = (which: 'access' | 'refresh') => (which === 'refresh' ? 'refresh_token' : 'access_token');

/** cnf from introspection (RFC 9449 §6.2, RFC 8705 §3.2) against the profile's DPoP key and client certificate. */
function introspectedBindings(t: TokenContext, claims: Record<string, unknown>): TokenBindingCheck[] {
  const out: TokenBindingCheck[] = [];
  const cnf = claims.cnf && typeof claims.cnf === 'object' ? (claims.cnf as Record<string, unknown>) : {};
  if (t.dpop) out.push(checkBinding('dpop', t.dpop.key.thumbprint, claims, 'introspection', t.tokens.token_type));
  if (t.tlsCertPem && (typeof cnf['x5t#S256'] === 'string' || t.profile.certificateBoundTokens?.enabled)) out.push(checkBinding('mtls', certificateThumbprint(t.tlsCertPem), claims, 'introspection', t.tokens.token_type));
  return out;
}

/** Calls on tokens: inspect (decode and verify), introspect, revoke, userinfo, logout. */
export function tokenHandlers(c: ServiceContext): Pick<Handlers, 'inspectToken' | 'introspect' | 'revoke' | 'userinfo' | 'logout'> {
  const { history } = c;
  const markRevoked = (historyId: string, which: 'access' | 'refresh') => {
    const entry = history.markRevoked(historyId, which);
    if (entry) c.emit({ type: 'history.changed', profileId: entry.profileId });
  };
  return {
    inspectToken: async ({ profileId, historyId, token, kind, audience }): Promise<TokenInspection> => {
      const decoded = decodeToken(token);
      if (!decoded.ok) throw new WorkbenchError(decoded.error.code, decoded.error.message);
      if (decoded.format === 'opaque') return { format: 'opaque' };
      if (decoded.format === 'jwe') return { format: 'jwe', header: decoded.header };
      const profile = profileId ? c.profileForEntry(profileId, historyId).profile : undefined;
      const entry = historyId ? history.get(historyId) : undefined;
      const tokens = entry ? await history.tokens(entry.id) : undefined;
      const report = await verifyForInspection(token, kind, { profile, entry, tokens, network: await c.networkOf(profile), ...(audience !== undefined ? { audience } : {}) });
      return { format: 'jwt', header: decoded.header, payload: decoded.payload, report };
    },
    introspect: async ({ profileId, historyId, which }) => {
      const t = await c.tokenContext(profileId, historyId);
      const token = which === 'refresh' ? t.tokens.refresh_token : t.tokens.access_token;
      if (!token) throw new WorkbenchError('NOT_FOUND', `these tokens have no ${which} token`);
      const url = t.endpoint('introspection', 'introspection');
      try {
        const { auth, choice } = await t.authFor('introspection');
        let sent: PreparedRequest | undefined;
        const build = async () => (sent = await introspectionRequest(t.ctx(url), auth, token, { tokenTypeHint: hintOf(which) }));
        const res = t.dpop ? await t.dpop.send(t.http, build, { label: 'introspection' }) : await t.http.send(await build(), { label: 'introspection' });
        const claims = processExplained(sent as PreparedRequest, res, sentRequest(t, 'introspection', choice.method), processIntrospectionResponse);
        // active:false is the server saying the token is revoked (or expired): the entry remembers it (issue 12).
        if (!claims.active && !(which === 'access' && t.entry.expiresAt && Date.parse(t.entry.expiresAt) <= Date.now())) markRevoked(t.entry.id, which);
        await history.addTranscript(t.entry.id, t.transcript.entries).catch(() => undefined);
        const bindings = which === 'access' ? introspectedBindings(t, claims) : [];
        return { active: claims.active, claims, transcript: t.transcript.entries, clientAuth: choice, ...(bindings.length ? { bindings } : {}) };
      } finally {
        await t.http.close();
      }
    },
    revoke: async ({ profileId, historyId, which }) => {
      const t = await c.tokenContext(profileId, historyId);
      const token = which === 'refresh' ? t.tokens.refresh_token : t.tokens.access_token;
      if (!token) throw new WorkbenchError('NOT_FOUND', `these tokens have no ${which} token`);
      const url = t.endpoint('revocation', 'revocation');
      let choice: EndpointAuthChoice;
      let req: PreparedRequest;
      try {
        const chosen = await t.authFor('revocation');
        choice = chosen.choice;
        req = await revocationRequest(t.ctx(url), chosen.auth, token, { tokenTypeHint: hintOf(which) });
      } catch (err) {
        await t.http.close();
        throw err;
      }
      const sent = sentRequest(t, 'revocation', choice.method);
      const result = await c.send(t.http, t.transcript, req, 'revocation', 'authorization_server', (res) => processExplained(req, res, sent, processRevocationResponse));
      markRevoked(t.entry.id, which);
      await history.addTranscript(t.entry.id, result.transcript).catch(() => undefined);
      return { ...result, clientAuth: choice };
    },
    userinfo: async ({ profileId, historyId }) => {
      const t = await c.tokenContext(profileId, historyId);
      const url = t.endpoint('userinfo', 'userinfo');
      // OIDC Core §5.3.2: the claims must be about the ID token's subject.
      const expectedSubject = t.tokens.id_token ? subjectOf(t.tokens.id_token) : undefined;
      const build = () => userinfoRequest(url, t.tokens.access_token, { scheme: /^dpop$/i.test(t.tokens.token_type) ? 'DPoP' : 'Bearer' });
      return c.sendProved(t, build, 'userinfo', 'resource_server', (res) => void processUserinfoResponse(res, expectedSubject), t.tokens.access_token);
    },
    logout: async ({ profileId, historyId, postLogoutRedirectUri }) => {
      const t = await c.tokenContext(profileId, historyId);
      await t.http.close();
      const url = buildLogoutUrl({
        endSessionEndpoint: t.endpoint('end_session', 'end-session (logout)'),
        ...(t.tokens.id_token ? { idTokenHint: t.tokens.id_token } : {}),
        clientId: t.profile.clientId,
        ...(postLogoutRedirectUri ? { postLogoutRedirectUri } : {}),
      });
      // Built here, opened here: the renderer never hands main a URL to open.
      await c.options.openBrowser(url);
      return { url };
    },
  };
}
