import { useState } from 'react';
import type { ApiCallResult, HistoryEntry } from '../../../shared/ipc';
import type { ApiRequest, ConnectionProfile } from '../../../shared/profile';
import type { TranscriptEntry } from '../../../shared/transcript';
import { call, newRunId } from '../api';
import { editDraft, setError, updateSession, type ProfileSession } from '../lib/session-store';
import { ErrorBox } from './ErrorBox';
import { Field, ParamTable } from './FormBits';
import { HeaderTable } from './HeaderTable';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** The request shown before the profile has any: it becomes a saved request when first edited. */
const BLANK: ApiRequest = { id: '', name: '', method: 'GET', url: '', headers: [], token: 'access', placement: 'header' };

/**
 * API requests saved with the profile (like Postman's saved requests): method, URL, headers, body, which
 * token (access or ID) and where it goes (Authorization header or a query parameter). Edits are part of
 * the profile's form (saved with Save); the last response of each request stays in the session.
 */
export function ApiPanel(props: { profile: ConnectionProfile; session: ProfileSession; onRenewed: (entry: HistoryEntry) => void; onExchanges: (t: TranscriptEntry[]) => void }) {
  const { profile, session: s } = props;
  const requests = s.draft.apiRequests;
  const current = requests.find((r) => r.id === s.api.selectedId) ?? requests[0] ?? BLANK;
  const result = current.id ? s.api.results[current.id] : undefined;
  const [sending, setSending] = useState(false);
  const historyId = s.lastRun?.entry.id;

  const select = (id: string | undefined) => updateSession(profile.id, (x) => ({ api: { ...x.api, selectedId: id } }));
  const change = (patch: Partial<ApiRequest>) => {
    if (!current.id) {
      const created: ApiRequest = { ...BLANK, ...patch, id: `req-${newRunId().slice(0, 12)}`, name: patch.name ?? `Request ${requests.length + 1}` };
      editDraft(profile.id, { ...s.draft, apiRequests: [...requests, created] });
      select(created.id);
      return;
    }
    editDraft(profile.id, { ...s.draft, apiRequests: requests.map((r) => (r.id === current.id ? { ...r, ...patch } : r)) });
  };
  const addRequest = () => {
    const created: ApiRequest = { ...BLANK, id: `req-${newRunId().slice(0, 12)}`, name: `Request ${requests.length + 1}` };
    editDraft(profile.id, { ...s.draft, apiRequests: [...requests, created] });
    select(created.id);
  };
  const removeRequest = () => {
    if (!current.id) return;
    editDraft(profile.id, { ...s.draft, apiRequests: requests.filter((r) => r.id !== current.id) });
    select(undefined);
  };

  const send = async () => {
    setSending(true);
    setError(profile.id, 'api', null);
    try {
      const r = await call('callApi', {
        profileId: profile.id,
        ...(historyId ? { historyId } : {}),
        method: current.method,
        url: current.url,
        headers: current.headers,
        ...(current.body && current.method !== 'GET' && current.method !== 'HEAD' ? { body: current.body } : {}),
        token: current.token,
        placement: current.placement,
        ...(current.placement === 'query' && current.queryParam ? { queryParam: current.queryParam } : {}),
        ...(current.name ? { requestName: current.name } : {}),
      });
      const id = current.id;
      updateSession(profile.id, (x) => ({ api: { ...x.api, results: { ...x.api.results, [id]: r } } }));
      if (r.refreshed) props.onRenewed(r.refreshed);
      else props.onExchanges(r.transcript);
    } catch (err) {
      setError(profile.id, 'api', err);
    } finally {
      setSending(false);
    }
  };

  return (
    <div data-testid="api-panel">
      {!historyId ? <div className="muted">Get a token first; it is sent with the request.</div> : null}
      <div className="row" style={{ marginBottom: 8 }}>
        <select aria-label="Saved request" value={current.id} onChange={(e) => select(e.target.value)} disabled={!requests.length}>
          {requests.length ? null : <option value="">(new request)</option>}
          {requests.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name || r.url || '(unnamed)'}
            </option>
          ))}
        </select>
        <button onClick={addRequest}>+ Request</button>
        <button onClick={removeRequest} disabled={!current.id}>
          Delete request
        </button>
        <span className="spacer" />
        <span className="muted">Saved with the profile (Save)</span>
      </div>
      <Field label="Name" htmlFor="api-name">
        <input id="api-name" value={current.name} placeholder="e.g. List orders" onChange={(e) => change({ name: e.target.value })} />
      </Field>
      <div className="row" style={{ marginBottom: 8 }}>
        <select aria-label="Method" value={current.method} onChange={(e) => change({ method: e.target.value as ApiRequest['method'] })}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <input className="grow" aria-label="API URL" placeholder="https://api.example.com/resource" value={current.url} onChange={(e) => change({ url: e.target.value })} />
        <button className="primary" disabled={!current.url || sending || !historyId} onClick={() => void send()}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <div className="row" style={{ marginBottom: 8, flexWrap: 'wrap' }}>
        <label className="row">
          Token{' '}
          <select aria-label="Token to send" value={current.token} onChange={(e) => change({ token: e.target.value as ApiRequest['token'] })}>
            <option value="access">access token</option>
            <option value="id">ID token</option>
          </select>
        </label>
        <label className="row">
          in{' '}
          <select aria-label="Where the token goes" value={current.placement} onChange={(e) => change({ placement: e.target.value as ApiRequest['placement'] })}>
            <option value="header">Authorization header (Bearer)</option>
            <option value="query">query parameter</option>
          </select>
        </label>
        {current.placement === 'query' ? (
          <input aria-label="Query parameter name" style={{ width: 140 }} value={current.queryParam ?? ''} placeholder="access_token" onChange={(e) => change({ queryParam: e.target.value || undefined })} />
        ) : (
          <span className="muted">added unless you set an Authorization header below</span>
        )}
      </div>
      <Field label="Headers">
        <ParamTable label="Header" value={current.headers} onChange={(headers) => change({ headers })} />
      </Field>
      {current.method !== 'GET' && current.method !== 'HEAD' ? (
        <Field label="Body" htmlFor="api-body">
          <textarea id="api-body" rows={5} value={current.body ?? ''} onChange={(e) => change({ body: e.target.value || undefined })} />
        </Field>
      ) : null}
      <ErrorBox error={s.errors.api} testId="api-error" />
      {result ? <ApiResult result={result} /> : null}
    </div>
  );
}

function ApiResult({ result }: { result: ApiCallResult }) {
  return (
    <div data-testid="api-result">
      {result.refreshed ? (
        <div className="notice" data-testid="api-renewed">
          {result.renewedBecause === 'invalid_token' ? 'The API answered 401 invalid_token' : 'The access token had expired'}; {result.renewedBy === 'rerun' ? 'the grant was run again' : 'it was refreshed'} and the request sent with the new token.
        </div>
      ) : null}
      <h3>
        Response <span className={result.status < 400 ? 'status-2xx' : 'status-bad'}>{result.status}</span> <span className="muted">· {result.durationMs} ms</span>
      </h3>
      <HeaderTable headers={result.headers} />
      <pre style={{ marginTop: 6 }}>{prettyBody(result)}</pre>
    </div>
  );
}

function prettyBody(r: ApiCallResult): string {
  if (!r.body) return '(empty body)';
  if ((r.headers['content-type'] ?? '').includes('json') || /^\s*[{[]/.test(r.body)) {
    try {
      return JSON.stringify(JSON.parse(r.body), null, 2);
    } catch {
      // not JSON after all
    }
  }
  return r.body;
}
