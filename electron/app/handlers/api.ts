import { randomUUID } from 'node:crypto';
import { WorkbenchError } from '../../../shared/errors';
import type { ApiCallResult, HistoryEntry } from '../../../shared/ipc';
import { HttpClient, type PreparedRequest } from '../../engine/http';
import { Transcript } from '../../engine/transcript';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';
import type { StoredHistoryEntry } from '../history';

/** Calls an API with a stored access token, refreshing it first when it has expired. */
export function apiHandlers(c: ServiceContext): Pick<Handlers, 'callApi'> {
  const { history } = c;
  return {
    callApi: async ({ profileId, historyId, method, url, headers, body }): Promise<ApiCallResult> => {
      c.profileOrThrow(profileId);
      let entry = historyId ? history.get(historyId) : history.latest(profileId);
      if (!entry) throw new WorkbenchError('NOT_FOUND', 'no stored tokens for this profile — get a token first');
      let refreshed: HistoryEntry | undefined;
      if (entry.expiresAt && Date.parse(entry.expiresAt) <= Date.now() && entry.has.refresh) {
        const run = await c.refreshRun(`api-${randomUUID()}`, profileId, entry.id);
        refreshed = run.history;
        entry = history.get(run.history.id) as StoredHistoryEntry;
      }
      const tokens = await history.tokens(entry.id);
      if (!tokens) throw new WorkbenchError('NOT_FOUND', 'the tokens of this history entry were cleared from the keychain');
      const profile = c.effective(c.profileOrThrow(profileId));
      const h0: Record<string, string> = {};
      for (const { name, value } of headers) h0[name.toLowerCase()] = value;
      // Sender-constrained tokens (issue 14): a fresh DPoP proof with `ath` per call (one nonce retry), and
      // the profile's client certificate on the connection for mTLS-bound ones.
      if (/^dpop$/i.test(tokens.token_type) || profile.certificateBoundTokens?.enabled) {
        const t = await c.tokenContext(profileId, entry.id);
        h0.authorization ??= `${t.dpop ? 'DPoP' : 'Bearer'} ${tokens.access_token}`;
        const build = (): PreparedRequest => ({ method, url, headers: { ...h0 }, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}) });
        const result = await c.sendProved(t, build, 'API request', 'resource_server', undefined, tokens.access_token);
        return { ...result, ...(refreshed ? { refreshed } : {}) };
      }
      const transcript = new Transcript();
      const http = new HttpClient(await c.networkOf(profile), transcript);
      const h: Record<string, string> = {};
      for (const { name, value } of headers) h[name.toLowerCase()] = value;
      h.authorization ??= `${/^dpop$/i.test(tokens.token_type) ? 'DPoP' : 'Bearer'} ${tokens.access_token}`;
      const req: PreparedRequest = { method, url, headers: h, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}) };
      const result = await c.send(http, transcript, req, 'API request', 'resource_server');
      return { ...result, ...(refreshed ? { refreshed } : {}) };
    },
  };
}
