import { AUTH_METHODS, GRANT_TYPES, HMAC_ALGS, type AuthMethod, type GrantType } from '../../../shared/grants';
import type { KeyInfo, SecretName, SecretStatus, ServerMetadata } from '../../../shared/ipc';
import type { ConnectionProfile, Endpoints } from '../../../shared/profile';
import { GRANT_LABELS, shows, usesSecret, type RunInputs } from '../lib/profile-rules';
import { AuthorizationRequestSection } from './AuthorizationRequestSection';
import { ErrorBox } from './ErrorBox';
import { misplacedTokenParam } from '../../../shared/interop';
import { Field, ParamTable, ScopeChips } from './FormBits';
import { AssertionHeaderFields, BasicEncodingField, RequireAuthTimeField } from './InteropFields';
import { CibaSection } from './modern/CibaSection';
import { RarSection } from './modern/RarSection';
import { RegistrationSection } from './modern/RegistrationSection';
import { SenderConstrainedSection } from './modern/SenderConstrainedSection';

export type ProfileDraft = Omit<ConnectionProfile, 'createdAt' | 'updatedAt'>;

const AUTH_LABELS: Record<AuthMethod, string> = {
  client_secret_basic: 'Client secret (HTTP Basic)',
  client_secret_post: 'Client secret (form body)',
  client_secret_jwt: 'Client secret JWT (HMAC)',
  private_key_jwt: 'Private key JWT (keystore)',
  tls_client_auth: 'Mutual TLS (CA-issued certificate)',
  self_signed_tls_client_auth: 'Mutual TLS (self-signed certificate)',
  none: 'None (public client)',
};

const ENDPOINTS: Array<{ key: keyof Endpoints; label: string; meta: keyof ServerMetadata }> = [
  { key: 'introspection', label: 'Introspection', meta: 'introspection_endpoint' },
  { key: 'revocation', label: 'Revocation', meta: 'revocation_endpoint' },
  { key: 'userinfo', label: 'Userinfo', meta: 'userinfo_endpoint' },
  { key: 'end_session', label: 'End session (logout)', meta: 'end_session_endpoint' },
  { key: 'jwks_uri', label: 'JWKS URI', meta: 'jwks_uri' },
];

export interface RequestPanelProps {
  draft: ProfileDraft;
  onChange: (draft: ProfileDraft) => void;
  groupIssuer?: string;
  secrets: SecretStatus[];
  secretInputs: Partial<Record<SecretName, string>>;
  onSecretInput: (name: SecretName, value: string) => void;
  onClearSecret: (name: SecretName) => void;
  runInputs: RunInputs;
  onRunInputs: (inputs: RunInputs) => void;
  metadata: ServerMetadata | null;
  discovering: boolean;
  discoverError: unknown;
  onDiscover: () => void;
  keys: KeyInfo[];
  /** A registration changed the workspace (issue 14). */
  onWorkspaceChanged?: () => void;
}

/** The profile as an API client's request form; fields a grant does not use are not shown. */
export function RequestPanel(props: RequestPanelProps) {
  const { draft: d, metadata: m } = props;
  const set = (patch: Partial<ProfileDraft>) => props.onChange({ ...d, ...patch });
  const setAuth = (patch: Partial<ProfileDraft['clientAuth']>) => set({ clientAuth: { ...d.clientAuth, ...patch } });
  const setEndpoint = (key: keyof Endpoints, value: string) => {
    const endpoints = { ...d.endpoints };
    if (value.trim()) endpoints[key] = value.trim();
    else delete endpoints[key];
    set({ endpoints });
  };
  const grant = d.grantType;
  const effectiveIssuer = d.issuer ?? props.groupIssuer;
  const viaDiscovery = d.discovery && Boolean(effectiveIssuer);
  const supportedGrants = m?.grant_types_supported;
  const supportedAuth = m?.token_endpoint_auth_methods_supported;
  const secretStatus = (name: SecretName) => props.secrets.find((s) => s.name === name);
  const selectedKey = props.keys.find((k) => k.alias === d.clientAuth.keyAlias);

  const endpointInput = (key: keyof Endpoints, meta: keyof ServerMetadata, label: string, required = false) => {
    const discovered = typeof m?.[meta] === 'string' ? (m[meta] as string) : undefined;
    return (
      <Field label={label} required={required && !viaDiscovery} htmlFor={`ep-${key}`} hint={discovered && !d.endpoints[key] ? 'from discovery' : undefined}>
        <input id={`ep-${key}`} value={d.endpoints[key] ?? ''} placeholder={discovered ?? (viaDiscovery ? 'from discovery' : 'https://…')} onChange={(e) => setEndpoint(key, e.target.value)} />
      </Field>
    );
  };

  const secretField = (name: SecretName, label: string) => {
    const status = secretStatus(name);
    return (
      <Field label={label} required htmlFor={`secret-${name}`} hint={status?.set ? <>stored in the keychain ({status.masked}) — type to replace, <button className="link" onClick={() => props.onClearSecret(name)}>clear</button></> : 'kept in the OS keychain, never in the profile'}>
        <input id={`secret-${name}`} type="password" autoComplete="off" value={props.secretInputs[name] ?? ''} placeholder={status?.set ? status.masked : ''} onChange={(e) => props.onSecretInput(name, e.target.value)} />
      </Field>
    );
  };

  return (
    <div className="panel" data-testid="request-panel">
      <h3>Server</h3>
      <Field label="Issuer" htmlFor="issuer" hint={!d.issuer && props.groupIssuer ? `inherited from the group: ${props.groupIssuer}` : undefined}>
        <div className="row">
          <input id="issuer" className="grow" value={d.issuer ?? ''} placeholder={props.groupIssuer ?? 'https://login.example.com'} onChange={(e) => set({ issuer: e.target.value.trim() ? e.target.value.trim() : undefined })} />
          <button onClick={props.onDiscover} disabled={!effectiveIssuer || props.discovering}>
            {props.discovering ? 'Discovering…' : 'Discover'}
          </button>
        </div>
      </Field>
      <label className="row" style={{ marginBottom: 8 }}>
        <input type="checkbox" checked={d.discovery} onChange={(e) => set({ discovery: e.target.checked })} /> Read endpoints from the issuer's metadata when running
      </label>
      <ErrorBox error={props.discoverError} testId="discover-error" />
      {m ? (
        <div className="notice" data-testid="server-supports" style={{ marginBottom: 8 }}>
          <div className="label">Server supports</div>
          <Supported label="Grants" values={m.grant_types_supported} />
          <Supported label="Client auth" values={m.token_endpoint_auth_methods_supported} />
          <Supported label="Assertion algs" values={m.token_endpoint_auth_signing_alg_values_supported} />
          <Supported label="ID token algs" values={m.id_token_signing_alg_values_supported} />
          <Supported label="PKCE" values={m.code_challenge_methods_supported} />
          <button
            className="link"
            title="For running without discovery: write the discovered endpoints into the profile"
            onClick={() =>
              set({
                endpoints: {
                  ...d.endpoints,
                  ...Object.fromEntries(
                    (
                      [
                        ['authorization', m.authorization_endpoint],
                        ['token', m.token_endpoint],
                        ['device_authorization', m.device_authorization_endpoint],
                        ['introspection', m.introspection_endpoint],
                        ['revocation', m.revocation_endpoint],
                        ['userinfo', m.userinfo_endpoint],
                        ['end_session', m.end_session_endpoint],
                        ['jwks_uri', m.jwks_uri],
                      ] as const
                    ).filter(([, v]) => typeof v === 'string'),
                  ),
                },
              })
            }
          >
            Copy endpoints into the profile
          </button>
        </div>
      ) : null}
      {endpointInput('token', 'token_endpoint', 'Token endpoint', true)}
      {shows(grant, 'authorizationEndpoint') ? endpointInput('authorization', 'authorization_endpoint', 'Authorization endpoint', true) : null}
      {shows(grant, 'deviceEndpoint') ? endpointInput('device_authorization', 'device_authorization_endpoint', 'Device authorization endpoint', true) : null}
      <details>
        <summary className="muted">More endpoints</summary>
        {ENDPOINTS.map((e) => (
          <div key={e.key}>{endpointInput(e.key, e.meta, e.label)}</div>
        ))}
      </details>

      <h3>Grant</h3>
      <Field label="Grant type" htmlFor="grant">
        <select id="grant" value={grant} onChange={(e) => set({ grantType: e.target.value as GrantType })}>
          {GRANT_TYPES.map((g) => (
            <option key={g} value={g}>
              {GRANT_LABELS[g]}
              {supportedGrants && !supportedGrants.includes(g) ? ' — not offered by the server' : ''}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Client ID" required htmlFor="client-id">
        <input id="client-id" value={d.clientId} onChange={(e) => set({ clientId: e.target.value })} />
      </Field>
      <Field label="Client authentication" htmlFor="auth-method">
        <select id="auth-method" value={d.clientAuth.method} onChange={(e) => setAuth({ method: e.target.value as AuthMethod })}>
          {AUTH_METHODS.map((a) => (
            <option key={a} value={a}>
              {AUTH_LABELS[a]}
              {supportedAuth && !supportedAuth.includes(a) ? ' — not offered by the server' : ''}
            </option>
          ))}
        </select>
      </Field>
      {usesSecret(d) ? secretField('clientSecret', 'Client secret') : null}
      {d.clientAuth.method === 'client_secret_basic' ? <BasicEncodingField value={d.interop} onChange={(interop) => set({ interop })} /> : null}
      {d.clientAuth.method === 'client_secret_jwt' ? (
        <Field label="Assertion algorithm" htmlFor="hmac-alg">
          <select id="hmac-alg" value={d.clientAuth.signingAlg ?? 'HS256'} onChange={(e) => setAuth({ signingAlg: e.target.value })}>
            {HMAC_ALGS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </Field>
      ) : null}
      {d.clientAuth.method === 'private_key_jwt' || shows(grant, 'jwtBearerClaims') ? (
        <div className="grid2">
          <Field label="Signing key (keystore)" required={d.clientAuth.method === 'private_key_jwt'} htmlFor="key-alias">
            <select id="key-alias" value={d.clientAuth.keyAlias ?? ''} onChange={(e) => setAuth({ keyAlias: e.target.value || undefined })}>
              <option value="">— choose a key —</option>
              {props.keys.map((k) => (
                <option key={k.alias} value={k.alias}>
                  {k.alias} ({k.alg})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Algorithm" htmlFor="key-alg">
            <select id="key-alg" value={d.clientAuth.signingAlg ?? ''} onChange={(e) => setAuth({ signingAlg: e.target.value || undefined })}>
              <option value="">key default{selectedKey ? ` (${selectedKey.alg})` : ''}</option>
              {(selectedKey?.algorithms ?? []).map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </Field>
          <Field label="Assertion audience" htmlFor="aud-mode">
            <select id="aud-mode" value={d.clientAuth.assertionAudience} onChange={(e) => setAuth({ assertionAudience: e.target.value as 'token_endpoint' | 'issuer' })}>
              <option value="token_endpoint">token endpoint</option>
              <option value="issuer">issuer</option>
            </select>
          </Field>
        </div>
      ) : null}
      {d.clientAuth.method === 'private_key_jwt' || shows(grant, 'jwtBearerClaims') ? <AssertionHeaderFields value={d.interop} legacyX5t={d.clientAuth.x5t} onChange={(interop) => set({ interop, clientAuth: { ...d.clientAuth, x5t: false } })} signingKey={selectedKey} /> : null}
      {d.clientAuth.method === 'tls_client_auth' || d.clientAuth.method === 'self_signed_tls_client_auth' ? (
        <Field label="Client certificate (keystore key with certificate)" required htmlFor="tls-alias">
          <select id="tls-alias" value={d.clientAuth.tlsKeyAlias ?? ''} onChange={(e) => setAuth({ tlsKeyAlias: e.target.value || undefined })}>
            <option value="">— choose a key —</option>
            {props.keys
              .filter((k) => k.certificate)
              .map((k) => (
                <option key={k.alias} value={k.alias}>
                  {k.alias} — {k.certificate?.subject}
                </option>
              ))}
          </select>
        </Field>
      ) : null}

      <Field label="Scopes" htmlFor="scope-input">
        <ScopeChips id="scope-input" value={d.scopes} onChange={(scopes) => set({ scopes })} suggestions={m?.scopes_supported} />
      </Field>

      {shows(grant, 'redirect') ? (
        <div className="grid2">
          <Field label="Redirect" htmlFor="redirect-mode">
            <select id="redirect-mode" value={d.redirect.mode} onChange={(e) => set({ redirect: { ...d.redirect, mode: e.target.value as 'loopback' | 'fixed' } })}>
              <option value="loopback">Loopback, random port</option>
              <option value="fixed">Fixed URL</option>
            </select>
          </Field>
          {d.redirect.mode === 'fixed' ? (
            <Field label="Redirect URL" required htmlFor="redirect-url" hint="http://127.0.0.1:PORT/… or a private-use scheme (desktop app)">
              <input id="redirect-url" value={d.redirect.url ?? ''} placeholder="http://localhost:8080/callback" onChange={(e) => set({ redirect: { ...d.redirect, url: e.target.value || undefined } })} />
              {privateUseScheme(d.redirect.url) ? (
                <label className="row">
                  <input type="checkbox" checked={d.redirect.registerScheme === true} onChange={(e) => set({ redirect: { ...d.redirect, registerScheme: e.target.checked } })} /> Register{' '}
                  <code>{privateUseScheme(d.redirect.url)}:</code> with the OS for this app (desktop app; claimed machine-wide while a profile uses it)
                </label>
              ) : null}
            </Field>
          ) : (
            <div />
          )}
        </div>
      ) : null}
      {shows(grant, 'pkce') ? (
        <Field label="PKCE" htmlFor="pkce">
          <select id="pkce" value={d.pkce} onChange={(e) => set({ pkce: e.target.value as ProfileDraft['pkce'] })}>
            <option value="S256">S256</option>
            <option value="plain">plain</option>
            <option value="off">off</option>
          </select>
        </Field>
      ) : null}
      {/* PAR, JAR, JARM, hybrid, OIDC parameters, FAPI 2.0 (issue 14) */}
      {shows(grant, 'redirect') ? <AuthorizationRequestSection draft={d} onChange={props.onChange} metadata={m} keys={props.keys} runInputs={props.runInputs} onRunInputs={props.onRunInputs} /> : null}
      {shows(grant, 'username') ? (
        <Field label="Username" required htmlFor="username">
          <input id="username" value={d.username ?? ''} onChange={(e) => set({ username: e.target.value || undefined })} />
        </Field>
      ) : null}
      {shows(grant, 'password') ? secretField('password', 'Password') : null}
      {grant === 'refresh_token' ? secretField('refreshToken', 'Refresh token') : null}
      {shows(grant, 'subjectToken') ? (
        <Field label="Subject token (this run only)" required htmlFor="subject-token">
          <textarea id="subject-token" rows={3} value={props.runInputs.subjectToken ?? ''} onChange={(e) => props.onRunInputs({ ...props.runInputs, subjectToken: e.target.value })} />
        </Field>
      ) : null}
      {shows(grant, 'assertion') ? (
        <Field label="Assertion (this run only; empty: sign one with the key above)" htmlFor="assertion">
          <textarea id="assertion" rows={3} value={props.runInputs.assertion ?? ''} onChange={(e) => props.onRunInputs({ ...props.runInputs, assertion: e.target.value })} />
        </Field>
      ) : null}
      {shows(grant, 'samlAssertion') ? (
        <Field label="SAML assertion XML (this run only)" required htmlFor="saml">
          <textarea id="saml" rows={4} value={props.runInputs.samlAssertionXml ?? ''} onChange={(e) => props.onRunInputs({ ...props.runInputs, samlAssertionXml: e.target.value })} />
        </Field>
      ) : null}
      <div className="grid2">
        <Field label="Audience" htmlFor="audience">
          <input id="audience" value={d.audience ?? ''} onChange={(e) => set({ audience: e.target.value || undefined })} />
        </Field>
        <Field label="Resource indicators" htmlFor="resource" hint="space-separated URIs">
          <input id="resource" value={d.resource.join(' ')} onChange={(e) => set({ resource: e.target.value.split(/\s+/).filter(Boolean) })} />
        </Field>
      </div>
      {/* issue 12: the audience JWT access tokens are verified against */}
      <Field label="Expected audience of access tokens" htmlFor="expected-audience" hint={`checked in JWT access tokens; default: ${d.audience ?? d.resource[0] ?? 'the audience or first resource (none set)'}`}>
        <input id="expected-audience" value={d.expectedAudience ?? ''} placeholder={d.audience ?? d.resource[0] ?? ''} onChange={(e) => set({ expectedAudience: e.target.value || undefined })} />
      </Field>

      {/* issue 14 (token side): each section appears when the server (discovery) or the profile uses it */}
      {shows(grant, 'ciba') ? <CibaSection draft={d} onChange={set} /> : null}
      <SenderConstrainedSection draft={d} metadata={m} keys={props.keys} onChange={set} />
      <RarSection draft={d} metadata={m} onChange={set} />
      <RegistrationSection draft={d} metadata={m} keys={props.keys} issuer={effectiveIssuer} onChanged={() => props.onWorkspaceChanged?.()} />

      <details>
        <summary className="muted">Extra parameters</summary>
        {shows(grant, 'authorizationParams') ? (
          <>
            <div className="label">Authorization request</div>
            <ParamTable label="Authorization parameter" value={d.params.authorization} onChange={(v) => set({ params: { ...d.params, authorization: v } })} />
            <RequireAuthTimeField value={d.interop} onChange={(interop) => set({ interop })} />
          </>
        ) : null}
        <div className="label">Token request</div>
        <ParamTable label="Token parameter" value={d.params.token} onChange={(v) => set({ params: { ...d.params, token: v } })} validate={misplacedTokenParam} />
        <div className="label">Refresh request</div>
        <ParamTable label="Refresh parameter" value={d.params.refresh} onChange={(v) => set({ params: { ...d.params, refresh: v } })} validate={misplacedTokenParam} />
      </details>
      <details>
        <summary className="muted">Network</summary>
        <Field label="Proxy" htmlFor="proxy">
          <input id="proxy" value={d.network.proxy ?? ''} placeholder="from HTTPS_PROXY / the group" onChange={(e) => set({ network: { ...d.network, proxy: e.target.value || undefined } })} />
        </Field>
        <Field label="Extra CA bundle (PEM file path)" htmlFor="ca">
          <input id="ca" value={d.network.caFile ?? ''} onChange={(e) => set({ network: { ...d.network, caFile: e.target.value || undefined } })} />
        </Field>
        <Field label="Timeout (ms)" htmlFor="timeout">
          <input id="timeout" type="number" min={100} value={d.network.timeoutMs} onChange={(e) => set({ network: { ...d.network, timeoutMs: Number(e.target.value) || 30_000 } })} />
        </Field>
        <label className="row">
          <input type="checkbox" checked={d.network.insecureSkipTlsVerify} onChange={(e) => set({ network: { ...d.network, insecureSkipTlsVerify: e.target.checked } })} /> Skip TLS certificate verification (unsafe)
        </label>
      </details>
    </div>
  );
}

function Supported({ label, values }: { label: string; values?: string[] }) {
  if (!values?.length) return null;
  return (
    <div className="supported" style={{ margin: '3px 0' }}>
      <span className="muted" style={{ minWidth: 90 }}>
        {label}:
      </span>
      {values.map((v) => (
        <span key={v} className="badge">
          {GRANT_LABELS[v as GrantType] ?? v}
        </span>
      ))}
    </div>
  );
}

/** The reverse-domain scheme of a private-use redirect URL (RFC 8252 §7.1), if it is one. */
function privateUseScheme(url: string | undefined): string | undefined {
  const m = url ? /^([a-z][a-z0-9+.-]*):/i.exec(url) : null;
  return m?.[1] && m[1].includes('.') ? m[1].toLowerCase() : undefined;
}
