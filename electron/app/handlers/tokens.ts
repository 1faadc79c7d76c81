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
import { subjectOf, type ServiceContext } from '../context';
import type { Handlers } from '../dispatch';
import { verifyForInspection } from '../verify';

const hintOf = (which: 'access' | 'refresh') => (which === 'refresh' ? 'refresh_token' : 'access_token');

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
      const req = await introspectionRequest(t.ctx(url), t.auth(), token, { tokenTypeHint: hintOf(which) });
      try {
        const claims = processIntrospectionResponse(await t.http.send(req, { label: 'introspection' }));
        // active:false is the server saying the token is revoked (or expired): the entry remembers it (issue 12).
        if (!claims.active && !(which === 'access' && t.entry.expiresAt && Date.parse(t.entry.expiresAt) <= Date.now())) markRevoked(t.entry.id, which);
        await history.addTranscript(t.entry.id, t.transcript.entries).catch(() => undefined);
        return { active: claims.active, claims, transcript: t.transcript.entries };
      } finally {
        await t.http.close();
      }
    },
    revoke: async ({ profileId, historyId, which }) => {
      const t = await c.tokenContext(profileId, historyId);
      const token = which === 'refresh' ? t.tokens.refresh_token : t.tokens.access_token;
      if (!token) throw new WorkbenchError('NOT_FOUND', `these tokens have no ${which} token`);
      const url = t.endpoint('revocation', 'revocation');
      const req = await revocationRequest(t.ctx(url), t.auth(), token, { tokenTypeHint: hintOf(which) });
      const result = await c.send(t.http, t.transcript, req, 'revocation', 'authorization_server', processRevocationResponse);
      markRevoked(t.entry.id, which);
      await history.addTranscript(t.entry.id, result.transcript).catch(() => undefined);
      return result;
    },
    userinfo: async ({ profileId, historyId }) => {
      const t = await c.tokenContext(profileId, historyId);
      const url = t.endpoint('userinfo', 'userinfo');
      // OIDC Core §5.3.2: the claims must be about the ID token's subject.
      const expectedSubject = t.tokens.id_token ? subjectOf(t.tokens.id_token) : undefined;
      const req = userinfoRequest(url, t.tokens.access_token, { scheme: /^dpop$/i.test(t.tokens.token_type) ? 'DPoP' : 'Bearer' });
      return c.send(t.http, t.transcript, req, 'userinfo', 'resource_server', (res) => void processUserinfoResponse(res, expectedSubject));
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
