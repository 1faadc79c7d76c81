import { randomUUID } from 'node:crypto';
import { hasVariables, substitute } from '../../../shared/environments';
import { toErrorInfo, WorkbenchError } from '../../../shared/errors';
import type { ApiCallRecord, ApiCallResult, HistoryEntry, ParsedArg, RunSummary } from '../../../shared/ipc';
import { runFlow } from '../../engine/flow';
import { HttpClient, type PreparedRequest } from '../../engine/http';
import { Transcript } from '../../engine/transcript';
import { withFailedTranscript, type ServiceContext } from '../context';
import type { Handlers } from '../dispatch';
import type { StoredHistoryEntry } from '../history';
import { resolveFlowConfig } from '../run-profile';

/** Grants that can run again without the user (no browser, no pasted per-run input). */
const RERUNNABLE = new Set(['client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);

/**
 * Calls an API with a stored token — the access or the ID token, in the Authorization header or a query
 * parameter. New tokens are obtained first when the access token has expired, and once more when the API
 * answers 401 with `invalid_token`: a refresh when there is a refresh token, else the grant run again when
 * it needs no user. The exchanges are kept with the history entry, so they show in its Exchange view, and
 * the call itself is recorded in History (redacted: method, URL, status, which token, when).
 */
export function apiHandlers(c: ServiceContext): Pick<Handlers, 'callApi'> {
  const { history } = c;

  const renew = async (profileId: string, entry: StoredHistoryEntry): Promise<{ run: RunSummary; by: 'refresh' | 'rerun' } | undefined> => {
    if (entry.has.refresh && !entry.revoked?.refresh) return { run: await c.refreshRun(`api-${randomUUID()}`, profileId, entry.id), by: 'refresh' };
    const { profile: used, secrets } = c.profileForEntry(profileId, entry.id);
    const { profile, variables } = await c.inEnvironment(used);
    if (!RERUNNABLE.has(profile.grantType)) return undefined;
    const config = await resolveFlowConfig(profile, c.stores(), { ...secrets, interactionTimeoutMs: c.options.interactionTimeoutMs, ...(variables ? { variables } : {}) });
    const runId = `api-${randomUUID()}`;
    const ran = c.runWith.get(entry.id);
    const run = await c.withRun(runId, async (signal) => c.recordRun(runId, profile, await runFlow(config, c.flowDeps(runId, signal)).catch(withFailedTranscript), ran));
    return { run, by: 'rerun' };
  };

  /** `sent.url`: the URL as History may show it, set once the call is about to go out. */
  const callOnce = async (args: ParsedArg<'callApi'>, entry: StoredHistoryEntry, sent: { url?: string }) => {
    const tokens = await history.tokens(entry.id);
    if (!tokens) throw new WorkbenchError('NOT_FOUND', 'the tokens of this history entry were cleared from the keychain');
    const token = args.token === 'id' ? tokens.id_token : tokens.access_token;
    if (!token) throw new WorkbenchError('NOT_FOUND', 'the last run returned no ID token to send (ask for the openid scope)');
    const { profile, variables } = await c.inEnvironment(c.profileForEntry(args.profileId, entry.id).profile);
    // Environments: `{{name}}` in the request's URL, headers and body too.
    const fill = (text: string, field: string) => (hasVariables(text) ? substitute(text, variables?.values ?? {}, field, variables?.envName) : text);
    const transcript = new Transcript();
    for (const s of variables?.secretValues ?? []) transcript.addSecret(s);
    const http = new HttpClient(await c.networkOf(profile), transcript);
    const h: Record<string, string> = {};
    for (const { name, value } of args.headers) h[name.toLowerCase()] = fill(value, `header ${name}`);
    const body = args.body === undefined ? undefined : fill(args.body, 'the request body');
    let url = fill(args.url, 'the URL');
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new WorkbenchError('INVALID_INPUT', `the API URL "${url}" is not an http(s) URL`);
    sent.url = redactedApiUrl(url, [token, ...(variables?.secretValues ?? [])]);
    if (args.placement === 'query') {
      const u = new URL(url);
      u.searchParams.set(args.queryParam ?? 'access_token', token);
      url = u.toString();
    } else {
      h.authorization ??= `${args.token === 'access' && /^dpop$/i.test(tokens.token_type) ? 'DPoP' : 'Bearer'} ${token}`;
    }
    const build = (): PreparedRequest => ({ method: args.method, url, headers: { ...h }, ...(body !== undefined && args.method !== 'GET' && args.method !== 'HEAD' ? { body } : {}) });
    const label = args.requestName ? `API request "${args.requestName}"` : 'API request';
    // Sender-constrained access tokens (issue 14): a fresh DPoP proof with `ath` per call (one nonce retry),
    // and the profile's client certificate on the connection for mTLS-bound ones.
    if (args.token === 'access' && (/^dpop$/i.test(tokens.token_type) || profile.certificateBoundTokens?.enabled)) {
      await http.close();
      return c.sendProved(await c.tokenContext(args.profileId, entry.id), build, label, 'resource_server', undefined, token);
    }
    return c.send(http, transcript, build(), label, 'resource_server');
  };

  return {
    callApi: async (args): Promise<ApiCallResult> => {
      const { profileId, historyId } = args;
      c.profileOrThrow(profileId);
      let entry = historyId ? history.get(historyId) : history.latest(profileId);
      if (!entry || entry.profileId !== profileId) throw new WorkbenchError('NOT_FOUND', 'no stored tokens for this profile — get a token first');
      let renewed: { entry: HistoryEntry; because: 'expired' | 'invalid_token'; by: 'refresh' | 'rerun' } | undefined;
      const takeRenewal = async (because: 'expired' | 'invalid_token') => {
        const r = await renew(profileId, entry as StoredHistoryEntry);
        if (!r) return false;
        entry = history.get(r.run.history.id) as StoredHistoryEntry;
        renewed = { entry: r.run.history, because, by: r.by };
        return true;
      };
      if (entry.expiresAt && Date.parse(entry.expiresAt) <= Date.now()) await takeRenewal('expired');
      const sent: { url?: string } = {};
      const at = new Date().toISOString();
      const record = (outcome: Pick<ApiCallRecord, 'status' | 'error' | 'durationMs'>) => {
        if (!sent.url) return;
        const call: ApiCallRecord = {
          at,
          method: args.method,
          url: sent.url,
          ...outcome,
          token: args.token,
          placement: args.placement,
          ...(args.requestName ? { requestName: args.requestName } : {}),
          ...(renewed ? { renewedBecause: renewed.because } : {}),
        };
        history.addApiCall((entry as StoredHistoryEntry).id, call);
        c.emit({ type: 'history.changed', profileId });
      };
      let result;
      try {
        result = await callOnce(args, entry, sent);
        // RFC 6750 §3.1: 401 with error="invalid_token" — expired, revoked or malformed: new tokens, one more try.
        if (result.status === 401 && !renewed && /error\s*=\s*"?invalid_token/i.test(result.headers['www-authenticate'] ?? '')) {
          const first = result.transcript;
          if (await takeRenewal('invalid_token')) {
            const again = await callOnce(args, entry, sent);
            result = { ...again, transcript: [...first, ...again.transcript] };
          }
        }
      } catch (err) {
        // Sent (or about to be) and no answer: History says so; a request refused before sending is not a call.
        record({ error: toErrorInfo(err).code });
        throw err;
      }
      record({ status: result.status, durationMs: result.durationMs });
      await history.addTranscript(entry.id, result.transcript).catch(() => undefined);
      return {
        ...result,
        historyId: entry.id,
        ...(renewed ? { refreshed: renewed.entry, renewedBecause: renewed.because, renewedBy: renewed.by } : {}),
      };
    },
  };
}

/**
 * The API URL as History keeps it: the token and secret variables' values scrubbed wherever they appear, and
 * secret or token parameters (client_secret, access_token, …) redacted as in a transcript. It is the URL
 * before a query-placed token is added, so that token is not in it to begin with.
 */
export function redactedApiUrl(url: string, secrets: readonly string[]): string {
  const t = new Transcript({ hideTokens: true });
  for (const s of secrets) t.addSecret(s);
  return t.redactUrl(url);
}
