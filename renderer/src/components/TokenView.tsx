import type { TokenBindingCheck } from '../../../shared/binding';
import { BindingView } from './modern/BindingView';
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
  // The audience a JWT access token is checked against (issue 12): the profile's default, changeable here.
  // Until the user sets one, main uses the run's profile: expected audience, else audience, else first resource.
  const [audienceInput, setAudienceInput] = useState('');
  const [audience, setAudience] = useState<string | undefined>(undefined);
  const [inspectError, setInspectError] = useState<unknown>(null);
  const [action, setAction] = useState<ActionResult | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [acting, setActing] = useState<string | null>(null);
  /** cnf checks from the last introspection of the access token (issue 14). */
  const [introBindings, setIntroBindings] = useState<TokenBindingCheck[] | undefined>(undefined);

  useEffect(() => {
    setInspection(null);
    setInspectError(null);
    if (!token) return;
    let live = true;
    call('inspectToken', { profileId: props.profile.id, historyId: entry.id, token, kind, ...(kind === 'access' && audience !== undefined ? { audience: audience.trim() } : {}) })
      .then((r) => live && setInspection(r))
      .catch((err: unknown) => live && setInspectError(err));
    return () => {
      live = false;
    };
  }, [token, kind, entry.id, props.profile.id, audience]);
  const revokedAt = kind === 'id' ? undefined : entry.revoked?.[kind === 'refresh' ? 'refresh' : 'access'];

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
              {k !== 'id' && entry.revoked?.[k] ? ' (revoked)' : ''}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <span className="muted" style={{ alignSelf: 'center' }}>
          {entry.grantType} · {new Date(entry.obtainedAt).toLocaleTimeString()}
        </span>
      </div>
      <ScopeComparison entry={entry} hasRefresh={Boolean(tokens.refresh_token)} />
      {token ? (
        <>
          <div className="token-raw">
            <code data-testid="raw-token" tabIndex={0}>
              <LongText text={token} />
            </code>
            <button onClick={() => void copyText(token)}>Copy</button>
          </div>
          {revokedAt ? (
            <div data-testid="revoked" className="row" style={{ margin: '8px 0' }}>
              <span className="badge revoked">revoked</span>
              <span className="muted">
                {kind === 'refresh' ? 'This refresh token' : 'This access token'} was found revoked {new Date(revokedAt).toLocaleString()}: servers refuse it, whatever its expiry says.
              </span>
            </div>
          ) : (
            <Lifetime payload={inspection?.payload} obtainedAt={kind === 'access' ? entry.obtainedAt : undefined} expiresAt={kind === 'access' ? entry.expiresAt : undefined} />
          )}
          {kind === 'access' && inspection?.format === 'jwt' ? (
            <form
              className="row"
              style={{ margin: '6px 0' }}
              onSubmit={(e) => {
                e.preventDefault();
                setAudience(audienceInput);
              }}
            >
              <label htmlFor="expected-aud-check" className="muted">
                Expected audience
              </label>
              <input
                id="expected-aud-check"
                className="grow"
                value={audienceInput}
                placeholder={audience === undefined ? "the profile's (audience or first resource)" : 'none: aud is not checked'}
                onChange={(e) => setAudienceInput(e.target.value)}
              />
              <button type="submit">Check</button>
            </form>
          ) : null}
          <ErrorBox error={inspectError} />
          {inspection?.format === 'opaque' ? <div className="muted">An opaque token: nothing to decode. Use Introspect to ask the server about it.</div> : null}
          {inspection?.format === 'jwe' ? <div className="muted">An encrypted token (JWE): only its header can be read.</div> : null}
          {inspection?.report ? <Report report={inspection.report} /> : null}
          {kind === 'access' ? <BindingView tokens={tokens} payload={inspection?.payload} bindings={entry.bindings} introspected={introBindings} /> : null}
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
              if (which === 'access') setIntroBindings(r.bindings);
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

/** Requested and granted scopes side by side after every run, with what the server dropped or added (issue 12). */
function ScopeComparison({ entry, hasRefresh }: { entry: CurrentTokens['entry']; hasRefresh: boolean }) {
  const requested = entry.requestedScopes ?? [];
  // RFC 6749 §5.1: no "scope" in the response means the requested scopes were granted.
  const granted = entry.scope !== undefined ? entry.scope.split(' ').filter(Boolean) : undefined;
  if (!requested.length && !granted?.length) return null;
  const effective = granted ?? requested;
  const dropped = requested.filter((x) => !effective.includes(x));
  const added = effective.filter((x) => !requested.includes(x));
  const offlineDropped = requested.includes('offline_access') && (dropped.includes('offline_access') || !hasRefresh);
  return (
    <div data-testid="scope-comparison" style={{ margin: '8px 0' }}>
      <table className="scope-compare">
        <tbody>
          <tr>
            <th className="muted">Requested</th>
            <td data-testid="scopes-requested">{requested.length ? requested.join(' ') : <span className="muted">(none)</span>}</td>
          </tr>
          <tr>
            <th className="muted">Granted</th>
            <td data-testid="scopes-granted">
              {granted === undefined ? <span className="muted">not stated: the requested ones (RFC 6749 §5.1)</span> : granted.length ? granted.join(' ') : <span className="muted">(none)</span>}
            </td>
          </tr>
          {dropped.length || added.length ? (
            <tr>
              <th className="muted">Difference</th>
              <td data-testid="scopes-difference">
                {dropped.length ? <span className="dropped">not granted: {dropped.join(' ')}</span> : null}
                {dropped.length && added.length ? ' · ' : ''}
                {added.length ? <span>also granted: {added.join(' ')}</span> : null}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {offlineDropped ? (
        <div className="notice warn" data-testid="offline-access-hint" style={{ marginTop: 6 }}>
          offline_access was asked for but {hasRefresh ? 'not granted' : 'no refresh token came back'}. Many servers grant it only when the user is asked for consent: add <code>prompt=consent</code> under Extra parameters → Authorization request.
        </div>
      ) : null}
    </div>
  );
}

export function Report({ report }: { report: NonNullable<TokenInspection['report']> }) {
  const mark = { passed: '✓', failed: '✗', not_checked: '–' } as const;
  // A check that could not run is never counted as passing: the badge says what is still open.
  const open = report.unverified ?? [];
  const badge = !report.ok ? { cls: 'bad', text: 'not valid' } : open.length ? { cls: 'warn', text: `partly checked: ${open.join(', ')} not checked` } : { cls: 'ok', text: 'valid' };
  const counts = { passed: 0, failed: 0, not_checked: 0 };
  for (const c of report.checks) counts[c.status]++;
  return (
    <div data-testid="verification-report">
      <h3>
        Verification <span className={`badge ${badge.cls}`} data-testid="report-summary">{badge.text}</span>{' '}
        <span className="muted" data-testid="report-counts">
          {counts.passed} passed · {counts.failed} failed · {counts.not_checked} not checked
        </span>
      </h3>
      <div className="muted" style={{ marginBottom: 4 }}>
        {report.summary}
      </div>
      <ul className="checks">
        {report.checks.map((c) => (
          <li key={c.id} className={c.status} data-check={c.id} data-status={c.status}>
            <span className="mark" aria-label={c.status.replace('_', ' ')}>
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
