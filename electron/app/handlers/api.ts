import { randomUUID } from 'node:crypto';
import { hasVariables, substitute } from '../../../shared/environments';
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
      const { profile, variables } = await c.inEnvironment(c.profileOrThrow(profileId));
      // Environments: `{{name}}` in the request's headers and body too.
      const fill = (text: string, field: string) => (hasVariables(text) ? substitute(text, variables?.values ?? {}, field, variables?.envName) : text);
      const transcript = new Transcript();
      for (const s of variables?.secretValues ?? []) transcript.addSecret(s);
      const http = new HttpClient(await c.networkOf(profile), transcript);
      const h: Record<string, string> = {};
      for (const { name, value } of headers) h[name.toLowerCase()] = fill(value, `header ${name}`);
      if (body !== undefined) body = fill(body, 'the request body');
      url = fill(url, 'the URL');
      if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new WorkbenchError('INVALID_INPUT', `the API URL "${url}" is not an http(s) URL`);
      h.authorization ??= `${/^dpop$/i.test(tokens.token_type) ? 'DPoP' : 'Bearer'} ${tokens.access_token}`;
      const req: PreparedRequest = { method, url, headers: h, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}) };
      const result = await c.send(http, transcript, req, 'API request', 'resource_server');
      return { ...result, ...(refreshed ? { refreshed } : {}) };
    },
  };
}
