import { useState } from 'react';
import type { ApiCallResult, HistoryEntry } from '../../../shared/ipc';
import type { Param } from '../../../shared/profile';
import { call } from '../api';
import { ErrorBox } from './ErrorBox';
import { Field, ParamTable } from './FormBits';
import { HeaderTable } from './HeaderTable';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Calls an API with the profile's current access token (refreshed first when it has expired). */
export function ApiPanel(props: { profileId: string; historyId?: string; onRefreshed: (entry: HistoryEntry) => void }) {
  const [method, setMethod] = useState<(typeof METHODS)[number]>('GET');
  const [url, setUrl] = useState('');
  const [headers, setHeaders] = useState<Param[]>([]);
  const [body, setBody] = useState('');
  const [result, setResult] = useState<ApiCallResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const send = async () => {
    setSending(true);
    setError(null);
    setResult(null);
    try {
      const r = await call('callApi', { profileId: props.profileId, ...(props.historyId ? { historyId: props.historyId } : {}), method, url, headers, ...(body && method !== 'GET' && method !== 'HEAD' ? { body } : {}) });
      setResult(r);
      if (r.refreshed) props.onRefreshed(r.refreshed);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <div data-testid="api-panel">
      {!props.historyId ? <div className="muted">Get a token first; its access token goes into the Authorization header.</div> : null}
      <div className="row" style={{ marginBottom: 8 }}>
        <select aria-label="Method" value={method} onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <input className="grow" aria-label="API URL" placeholder="https://api.example.com/resource" value={url} onChange={(e) => setUrl(e.target.value)} />
        <button className="primary" disabled={!url || sending || !props.historyId} onClick={() => void send()}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <div className="muted" style={{ marginBottom: 6 }}>
        Authorization: Bearer &lt;access token&gt; is added unless you set it below.
      </div>
      <Field label="Headers">
        <ParamTable label="Header" value={headers} onChange={setHeaders} />
      </Field>
      {method !== 'GET' && method !== 'HEAD' ? (
        <Field label="Body" htmlFor="api-body">
          <textarea id="api-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
        </Field>
      ) : null}
      <ErrorBox error={error} testId="api-error" />
      {result ? (
        <div data-testid="api-result">
          {result.refreshed ? <div className="notice">The access token had expired; it was refreshed first.</div> : null}
          <h3>
            Response <span className={result.status < 400 ? 'status-2xx' : 'status-bad'}>{result.status}</span> <span className="muted">· {result.durationMs} ms</span>
          </h3>
          <HeaderTable headers={result.headers} />
          <pre style={{ marginTop: 6 }}>{prettyBody(result)}</pre>
        </div>
      ) : null}
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
