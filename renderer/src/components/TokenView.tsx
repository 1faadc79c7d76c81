import { useEffect, useState } from 'react';
import type { TokenInspection, TokenKind } from '../../../shared/ipc';
import type { ConnectionProfile } from '../../../shared/profile';
import { describeClaim, describeHeader } from '../../../shared/token/claims';
import type { TranscriptEntry } from '../../../shared/transcript';
import { call } from '../api';
import { copyText, formatDuration, useNow } from '../lib/hooks';
import { ClaimTable, LongText } from './ClaimTable';
import { ErrorBox } from './ErrorBox';
import type { CurrentTokens } from './ProfileView';

const KIND_LABEL: Record<TokenKind, string> = { access: 'Access token', id: 'ID token', refresh: 'Refresh token' };

type ActionResult = { title: string; status?: number; body?: string; ok: boolean };

/** Access, ID and refresh tokens in tabs: decoded, verified, their lifetime, and what can be done with them. */
export function TokenView(props: { profile: ConnectionProfile; current: CurrentTokens; busy: boolean; onRefresh: () => void; onTranscript: (t: TranscriptEntry[]) => void }) {
  const { tokens, entry } = props.current;
  const available: TokenKind[] = (['access', 'id', 'refresh'] as const).filter((k) => Boolean(k === 'access' ? tokens.access_token : k === 'id' ? tokens.id_token : tokens.refresh_token));
  const [kind, setKind] = useState<TokenKind>('access');
  const token = kind === 'access' ? tokens.access_token : kind === 'id' ? tokens.id_token : tokens.refresh_token;
  const [inspection, setInspection] = useState<TokenInspection | null>(null);
  const [inspectError, setInspectError] = useState<unknown>(null);
  const [action, setAction] = useState<ActionResult | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [acting, setActing] = useState<string | null>(null);

  useEffect(() => {
    setInspection(null);
    setInspectError(null);
    if (!token) return;
    let live = true;
    call('inspectToken', { profileId: props.profile.id, historyId: entry.id, token, kind })
      .then((r) => live && setInspection(r))
      .catch((err: unknown) => live && setInspectError(err));
    return () => {
      live = false;
    };
  }, [token, kind, entry.id, props.profile.id]);

  const act = async (name: string, work: () => Promise<ActionResult & { transcript?: TranscriptEntry[] }>) => {
    setActing(name);
    setActionError(null);
    setAction(null);
    try {
      const { transcript, ...result } = await work();
      setAction(result);
      if (transcript) props.onTranscript([...(props.current.transcript ?? []), ...transcript]);
    } catch (err) {
      setActionError(err);
    } finally {
      setActing(null);
    }
  };
  const which = kind === 'refresh' ? 'refresh' : 'access';
  const ref = { profileId: props.profile.id, historyId: entry.id };

  return (
    <div data-testid="token-view">
      <div className="tabs">
        <div role="tablist" aria-label="Tokens">
          {(['access', 'id', 'refresh'] as const).map((k) => (
            <button key={k} role="tab" aria-selected={kind === k} disabled={!available.includes(k)} onClick={() => setKind(k)}>
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <span className="muted" style={{ alignSelf: 'center' }}>
          {entry.grantType} · {new Date(entry.obtainedAt).toLocaleTimeString()}
          {entry.scope ? ` · ${entry.scope}` : ''}
        </span>
      </div>
      {token ? (
        <>
          <div className="token-raw">
            <code data-testid="raw-token" tabIndex={0}>
              <LongText text={token} />
            </code>
            <button onClick={() => void copyText(token)}>Copy</button>
          </div>
          <Lifetime payload={inspection?.payload} obtainedAt={kind === 'access' ? entry.obtainedAt : undefined} expiresAt={kind === 'access' ? entry.expiresAt : undefined} />
          <ErrorBox error={inspectError} />
          {inspection?.format === 'opaque' ? <div className="muted">An opaque token: nothing to decode. Use Introspect to ask the server about it.</div> : null}
          {inspection?.format === 'jwe' ? <div className="muted">An encrypted token (JWE): only its header can be read.</div> : null}
          {inspection?.report ? <Report report={inspection.report} /> : null}
          {inspection?.header ? <ClaimTable title="Header" values={inspection.header} describe={describeHeader} testId="header-claims" /> : null}
          {inspection?.payload ? <ClaimTable title="Payload" values={inspection.payload} describe={describeClaim} testId="payload-claims" /> : null}
        </>
      ) : null}

      <h3>Actions</h3>
      <div className="actions">
        <button onClick={props.onRefresh} disabled={props.busy || !tokens.refresh_token}>
          Refresh
        </button>
        <button
          disabled={Boolean(acting) || kind === 'id'}
          onClick={() =>
            void act('introspect', async () => {
              const r = await call('introspect', { ...ref, which });
              return { title: `Introspection: ${r.active ? 'active' : 'not active'}`, ok: r.active, body: JSON.stringify(r.claims, null, 2), transcript: r.transcript };
            })
          }
        >
          Introspect
        </button>
        <button
          disabled={Boolean(acting) || kind === 'id'}
          onClick={() =>
            void act('revoke', async () => {
              const r = await call('revoke', { ...ref, which });
              return { title: `Revoked the ${which} token`, ok: true, status: r.status, transcript: r.transcript };
            })
          }
        >
          Revoke
        </button>
        <button
          disabled={Boolean(acting)}
          onClick={() =>
            void act('userinfo', async () => {
              const r = await call('userinfo', ref);
              return { title: 'Userinfo', ok: r.status === 200, status: r.status, body: pretty(r.body), transcript: r.transcript };
            })
          }
        >
          Userinfo
        </button>
        <button
          disabled={Boolean(acting)}
          onClick={() =>
            void act('logout', async () => {
              const r = await call('logout', ref);
              return { title: 'Opened the logout page in your browser', ok: true, body: r.url };
            })
          }
        >
          Logout
        </button>
        {acting ? <span className="spinner" /> : null}
      </div>
      <div style={{ marginTop: 8 }}>
        <ErrorBox error={actionError} testId="action-error" />
        {action ? (
          <div className={action.ok ? 'notice' : 'error'} data-testid="action-result">
            <strong>{action.title}</strong>
            {action.status !== undefined ? <span className="muted"> (HTTP {action.status})</span> : null}
            {action.body ? <pre style={{ marginTop: 6 }}>{action.body}</pre> : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function Report({ report }: { report: NonNullable<TokenInspection['report']> }) {
  const mark = { passed: '✓', failed: '✗', not_checked: '–' } as const;
  return (
    <div data-testid="verification-report">
      <h3>
        Verification <span className={`badge ${report.ok ? 'ok' : 'bad'}`} data-testid="report-summary">{report.ok ? 'valid' : 'not valid'}</span>
      </h3>
      <div className="muted" style={{ marginBottom: 4 }}>
        {report.summary}
      </div>
      <ul className="checks">
        {report.checks.map((c) => (
          <li key={c.id} className={c.status} data-check={c.id} data-status={c.status}>
            <span className="mark" aria-label={c.status}>
              {mark[c.status]}
            </span>
            <span style={{ width: 200, flexShrink: 0, fontWeight: 600 }}>{c.label}</span>
            <span className="muted">{c.reason}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** iat, nbf, now and exp on one bar, with a live countdown to expiry. */
function Lifetime({ payload, obtainedAt, expiresAt }: { payload?: Record<string, unknown>; obtainedAt?: string; expiresAt?: string }) {
  const now = useNow(1000) / 1000;
  const num = (k: string) => (typeof payload?.[k] === 'number' ? (payload[k] as number) : undefined);
  const iat = num('iat') ?? (obtainedAt ? Date.parse(obtainedAt) / 1000 : undefined);
  const nbf = num('nbf');
  const exp = num('exp') ?? (expiresAt ? Date.parse(expiresAt) / 1000 : undefined);
  if (iat === undefined || exp === undefined || exp <= iat) {
    return exp === undefined ? <div className="muted" style={{ margin: '8px 0' }}>No expiry stated.</div> : null;
  }
  const start = Math.min(iat, nbf ?? iat);
  const span = exp - start;
  const pos = (t: number) => `${Math.max(0, Math.min(100, ((t - start) / span) * 100))}%`;
  const left = exp - now;
  return (
    <div data-testid="lifetime">
      <div className="lifetime" aria-label="Token lifetime">
        <div className="track">
          <div className="used" style={{ width: pos(now) }} />
        </div>
        <div className="tick" style={{ left: pos(iat) }}>
          <span>iat</span>
        </div>
        {nbf !== undefined && nbf !== iat ? (
          <div className="tick bottom" style={{ left: pos(nbf) }}>
            <span>nbf</span>
          </div>
        ) : null}
        <div className="tick now bottom" style={{ left: pos(now) }}>
          <span>now</span>
        </div>
        <div className="tick" style={{ left: pos(exp) }}>
          <span>exp</span>
        </div>
      </div>
      <div>
        <span className={`countdown${left <= 0 ? ' expired' : ''}`} data-testid="countdown">
          {left > 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`}
        </span>
        <span className="muted"> · issued {new Date(iat * 1000).toLocaleTimeString()} · expires {new Date(exp * 1000).toLocaleString()}</span>
      </div>
    </div>
  );
}
