import { Fragment, useState } from 'react';
import type { HttpExchange, Party, TranscriptEntry } from '../../../shared/transcript';
import { assertionsIn } from '../../../shared/commands';
import { call } from '../api';
import { decodeToken } from '../../../shared/token/decode';
import { toCurl } from '../lib/curl';
import { ErrorBox } from './ErrorBox';
import { ConfirmDialog } from './Dialogs';
import { copyText } from '../lib/hooks';
import { HeaderTable } from './HeaderTable';

const LANE_ORDER: Party[] = ['user', 'browser', 'authorization_server', 'workbench', 'loopback', 'resource_server'];
const LANE_LABEL: Record<Party, string> = {
  user: 'User',
  browser: 'Browser',
  authorization_server: 'Authorization server',
  workbench: 'Workbench',
  loopback: 'Loopback',
  resource_server: 'Resource server',
};

/** The run as a sequence diagram; every HTTP exchange opens to its headers, body and timing (secrets already masked). */
export function ExchangeView({ transcript, profileId }: { transcript: TranscriptEntry[]; profileId?: string }) {
  const [open, setOpen] = useState<number | null>(null);
  if (transcript.length === 0) return <div className="empty">Nothing recorded yet: the requests of the next run show up here.</div>;
  const used = new Set<Party>(['workbench']);
  for (const e of transcript) {
    used.add(e.from);
    used.add(e.to);
  }
  const lanes = LANE_ORDER.filter((p) => used.has(p));
  const n = lanes.length;
  const center = (p: Party) => ((lanes.indexOf(p) + 0.5) / n) * 100;
  const cols = `repeat(${n}, 1fr)`;

  const arrow = (from: Party, to: Party, label: React.ReactNode, opts: { back?: boolean; error?: boolean; onClick?: () => void; testId?: string }) => {
    const a = center(from);
    const b = center(to);
    const left = Math.min(a, b);
    const width = Math.max(Math.abs(b - a), 4);
    const dir = b >= a ? 'right' : 'left';
    return (
      <div className="seq-row" style={{ gridTemplateColumns: cols }}>
        {lanes.map((l) => (
          <div key={l} className="lane-line" style={{ left: `${center(l)}%` }} />
        ))}
        <div className={`seq-arrow ${dir}${opts.back ? ' back' : ''}${opts.error ? ' error' : ''}`} style={{ position: 'absolute', left: `${left}%`, width: `${width}%` }}>
          <div className="line" />
          <div className="head" />
          {opts.onClick ? (
            <button className="text" onClick={opts.onClick} data-testid={opts.testId}>
              {label}
            </button>
          ) : (
            <div className="text">{label}</div>
          )}
        </div>
      </div>
    );
  };

  return (
    <div data-testid="exchange-view">
      <div className="seq-head" style={{ gridTemplateColumns: cols }}>
        {lanes.map((l) => (
          <div key={l}>{LANE_LABEL[l]}</div>
        ))}
      </div>
      <div className="seq">
        {transcript.map((e, i) => (
          <Fragment key={i}>
            {e.kind === 'event' ? (
              <>
                {arrow(e.from, e.to, e.label, e.detail ? { onClick: () => setOpen(open === i ? null : i), testId: 'exchange-event' } : {})}
                {open === i && e.detail ? (
                  <div className="exchange-detail">
                    <div className="muted">
                      {e.label} · {new Date(e.at).toLocaleTimeString()}
                    </div>
                    <EventDetail detail={e.detail} />
                  </div>
                ) : null}
              </>
            ) : (
              <>
                {arrow(e.from, e.to, `${e.label}: ${e.request.method} ${pathOf(e.request.url)}`, { onClick: () => setOpen(open === i ? null : i), testId: 'exchange-request' })}
                {arrow(e.to, e.from, e.response ? `${e.response.status} · ${e.durationMs} ms` : `${e.error?.code ?? 'no response'}`, { back: true, error: Boolean(e.error) || (e.response?.status ?? 0) >= 400 })}
                {open === i ? <ExchangeDetail exchange={e} {...(profileId ? { profileId } : {})} /> : null}
              </>
            )}
          </Fragment>
        ))}
      </div>
    </div>
  );
}

function ExchangeDetail({ exchange: e, profileId }: { exchange: HttpExchange; profileId?: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const [confirmReal, setConfirmReal] = useState(false);
  const [copyError, setCopyError] = useState<unknown>(null);
  const done = (what: string) => {
    setCopied(what);
    setTimeout(() => setCopied(null), 1500);
  };
  // Real values come from main on this explicit request and go straight to the clipboard; nothing keeps them here.
  const copyFromMain = async (kind: 'curl' | 'tokenbench', revealSecrets: boolean, what: string) => {
    setCopyError(null);
    try {
      const r = await call('exportCommand', { profileId: profileId as string, kind, revealSecrets });
      await copyText(r.text);
      done(what);
    } catch (err) {
      setCopyError(err);
    }
  };
  const assertions = assertionsIn(e.request.body);
  return (
    <div className="exchange-detail" data-testid="exchange-detail">
      <div className="row wrap">
        <strong className="grow mono">
          {e.request.method} {e.request.url}
        </strong>
        <button title="Secrets as environment variables: -u &quot;$CLIENT_ID:$CLIENT_SECRET&quot;, $CLIENT_ASSERTION built by tokenbench assertion" onClick={() => void copyText(toCurl(e)).then(() => done('curl'))}>
          {copied === 'curl' ? 'Copied' : 'Copy as curl'}
        </button>
        {profileId && e.label === 'token request' ? (
          <>
            <button onClick={() => void copyFromMain('tokenbench', false, 'tokenbench')}>{copied === 'tokenbench' ? 'Copied' : 'Copy as tokenbench command'}</button>
            <button onClick={() => setConfirmReal(true)}>{copied === 'real' ? 'Copied' : 'Copy with real secrets…'}</button>
          </>
        ) : null}
      </div>
      {confirmReal ? (
        <ConfirmDialog
          title="Copy with real secrets?"
          message="The command will contain the client secret (or password) in clear text. Anyone who sees your clipboard or shell history can use it."
          confirmLabel="Copy with real secrets"
          danger
          cancelFirst
          onConfirm={() => {
            setConfirmReal(false);
            void copyFromMain('curl', true, 'real');
          }}
          onCancel={() => setConfirmReal(false)}
        />
      ) : null}
      <ErrorBox error={copyError} />
      <div className="muted">
        started {new Date(e.startedAt).toLocaleTimeString()} · {e.durationMs} ms
      </div>
      <h3>Request headers</h3>
      <HeaderTable headers={e.request.headers} />
      {e.request.body !== undefined ? (
        <>
          <h3>Request body</h3>
          <pre>{e.request.body}</pre>
        </>
      ) : null}
      {assertions.map((a) => (
        <div key={a.param} className="assertion-decoded" data-testid="assertion-decoded">
          <h3>{a.param === 'client_assertion' ? 'Client assertion' : a.param === 'request' ? 'Request object' : 'Assertion'} (decoded; signature not shown)</h3>
          <div className="muted">Header</div>
          <pre>{JSON.stringify(a.header, null, 2)}</pre>
          <div className="muted">Claims</div>
          <pre>{JSON.stringify(a.claims, null, 2)}</pre>
          {typeof a.claims.exp === 'number' ? <div className="muted">expires {new Date(a.claims.exp * 1000).toLocaleString()}</div> : null}
        </div>
      ))}
      {e.response ? (
        <>
          <h3>
            Response <span className={e.response.status < 400 ? 'status-2xx' : 'status-bad'}>{e.response.status}</span>
          </h3>
          <HeaderTable headers={e.response.headers} />
          <pre style={{ marginTop: 6 }}>{e.response.body || '(empty body)'}</pre>
        </>
      ) : null}
      {e.error ? (
        <div className="error" style={{ marginTop: 6 }}>
          <span className="title">{e.error.code}</span> {e.error.message}
        </div>
      ) : null}
    </div>
  );
}

/**
 * An event whose detail starts with a JWT (a request object, a JARM response, a
 * front-channel ID token) shows it decoded, then the lines that follow (its checks).
 */
function EventDetail({ detail }: { detail: string }) {
  const [first = '', ...rest] = detail.split('\n');
  const decoded = /^[\w-]+(\.[\w-]*){2,4}$/.test(first) ? decodeToken(first) : undefined;
  if (!decoded?.ok || decoded.format === 'opaque') return <pre style={{ marginTop: 6 }}>{detail}</pre>;
  return (
    <div data-testid="event-jwt">
      <pre style={{ marginTop: 6 }} className="mono">
        {first}
      </pre>
      <div className="decoded-jwt">
        <div>
          <h3>Header</h3>
          <pre>{JSON.stringify(decoded.header, null, 2)}</pre>
        </div>
        {decoded.format === 'jws' ? (
          <div>
            <h3>Payload</h3>
            <pre>{JSON.stringify(decoded.payload, null, 2)}</pre>
          </div>
        ) : (
          <div className="muted">Encrypted (JWE): only the header can be read.</div>
        )}
      </div>
      {rest.length ? (
        <>
          <h3>Verification</h3>
          <pre data-testid="event-checks">{rest.join('\n')}</pre>
        </>
      ) : null}
    </div>
  );
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname;
  } catch {
    return url;
  }
}
