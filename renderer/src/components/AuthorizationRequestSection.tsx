import { useEffect, useState } from 'react';
import { FAPI_REQUIREMENT_LABELS, fapi2Findings } from '../../../shared/fapi';
import type { KeyInfo, ServerMetadata } from '../../../shared/ipc';
import { ClaimsRequestSchema, RESPONSE_MODES, RESPONSE_TYPES, type AuthorizationRequestConfig, type ConnectionProfile } from '../../../shared/profile';
import { Field } from './FormBits';
import type { RunInputs } from '../lib/profile-rules';
import { IdTokenHintField, ParEndpointField, RequestObjectEncryptionFields } from './modern/AuthorizationRequestFields';

type Draft = Omit<ConnectionProfile, 'createdAt' | 'updatedAt'>;

export interface AuthorizationRequestSectionProps {
  draft: Draft;
  onChange: (draft: Draft) => void;
  metadata: ServerMetadata | null;
  keys: KeyInfo[];
  /** Per-run inputs (the id_token_hint field); absent: the field is not shown. */
  runInputs?: RunInputs;
  onRunInputs?: (inputs: RunInputs) => void;
}

const list = (m: ServerMetadata | null, member: string): string[] | undefined => (Array.isArray(m?.[member]) ? (m?.[member] as string[]) : undefined);

/**
 * PAR, request objects, response type and mode (JARM), OIDC request parameters and
 * the FAPI 2.0 switch (issue 14). A control appears when the discovered metadata
 * says the server supports it, or when nothing was discovered yet.
 */
export function AuthorizationRequestSection({ draft: d, onChange, metadata: m, keys, runInputs, onRunInputs }: AuthorizationRequestSectionProps) {
  const ar = d.authorizationRequest;
  const set = (patch: Partial<AuthorizationRequestConfig>) => onChange({ ...d, authorizationRequest: { ...ar, ...patch } });
  const known = m !== null;
  const supportsPar = !known || typeof m?.pushed_authorization_request_endpoint === 'string';
  const parRequired = m?.require_pushed_authorization_requests === true;
  const supportsJar = !known || m?.request_parameter_supported === true || (list(m, 'request_object_signing_alg_values_supported')?.length ?? 0) > 0;
  const supportsJarEncryption = !known || (list(m, 'request_object_encryption_alg_values_supported')?.length ?? 0) > 0;
  const modes = list(m, 'response_modes_supported') ?? [...RESPONSE_MODES];
  const types = list(m, 'response_types_supported') ?? [...RESPONSE_TYPES];
  const supportsClaims = !known || m?.claims_parameter_supported === true;
  const findings = ar.fapi2 ? fapi2Findings(d as ConnectionProfile, m ?? undefined) : [];

  // The claims JSON is kept as typed until it parses and validates, so nothing typed is lost.
  const [claimsText, setClaimsText] = useState(ar.claims ? JSON.stringify(ar.claims, null, 2) : '');
  const [claimsError, setClaimsError] = useState<string | null>(null);
  useEffect(() => {
    setClaimsText(ar.claims ? JSON.stringify(ar.claims, null, 2) : '');
    setClaimsError(null);
    // Only when another profile is opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d.id]);
  const onClaims = (text: string) => {
    setClaimsText(text);
    if (!text.trim()) {
      setClaimsError(null);
      set({ claims: undefined });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      setClaimsError(`not JSON: ${(err as Error).message}`);
      return;
    }
    const parsed = ClaimsRequestSchema.safeParse(value);
    if (!parsed.success) {
      setClaimsError(parsed.error.issues[0]?.message ?? 'not a claims request');
      return;
    }
    setClaimsError(null);
    set({ claims: parsed.data });
  };

  return (
    <details className="authz-request" data-testid="authorization-request-section" open={ar.fapi2 || ar.par !== 'auto' || ar.requestObject !== 'off' || Boolean(ar.responseMode)}>
      <summary className="muted">Authorization request: PAR, request objects, response mode, OIDC parameters, FAPI 2.0</summary>

      <label className="row">
        <input
          type="checkbox"
          data-testid="fapi2-switch"
          checked={ar.fapi2}
          onChange={(e) =>
            onChange({
              ...d,
              // Turning FAPI on turns on what it requires; the checks below say what is still missing.
              ...(e.target.checked ? { pkce: 'S256' as const } : {}),
              authorizationRequest: { ...ar, fapi2: e.target.checked, ...(e.target.checked ? { par: 'on' as const, responseType: undefined } : {}) },
            })
          }
        />{' '}
        FAPI 2.0 Security Profile
      </label>
      {ar.fapi2 ? (
        findings.length ? (
          <ul className="fapi-findings" role="status" aria-label="FAPI 2.0 requirements not met" data-testid="fapi-findings">
            {findings.map((f, i) => (
              <li key={i} className="error-text">
                <strong>{FAPI_REQUIREMENT_LABELS[f.requirement]}</strong> — {f.side === 'server' ? 'server' : 'profile'}: {f.message}
              </li>
            ))}
          </ul>
        ) : (
          <div className="muted" role="status" data-testid="fapi-findings">
            {known ? 'Every FAPI 2.0 requirement is met by this profile and the discovered server.' : 'The profile meets FAPI 2.0; discover the server to check its side.'}
          </div>
        )
      ) : null}

      <div className="grid2">
        {supportsPar ? (
          <Field label="Pushed authorization request (PAR)" htmlFor="ar-par" hint={parRequired ? 'the server requires it' : undefined}>
            <select id="ar-par" value={ar.par} onChange={(e) => set({ par: e.target.value as AuthorizationRequestConfig['par'] })}>
              <option value="auto">when required</option>
              <option value="on">always</option>
              <option value="off">never</option>
            </select>
          </Field>
        ) : ar.parEndpoint ? (
          <Field label="Pushed authorization request (PAR)" htmlFor="ar-par" hint="to the endpoint typed below">
            <select id="ar-par" value={ar.par} onChange={(e) => set({ par: e.target.value as AuthorizationRequestConfig['par'] })}>
              <option value="auto">when required</option>
              <option value="on">always</option>
              <option value="off">never</option>
            </select>
          </Field>
        ) : (
          <div className="muted">The server has no PAR endpoint (type one below to push requests).</div>
        )}
        {supportsJar ? (
          <Field label="Request object (JAR)" htmlFor="ar-jar">
            <select id="ar-jar" value={ar.requestObject} onChange={(e) => set({ requestObject: e.target.value as AuthorizationRequestConfig['requestObject'] })}>
              <option value="off">off</option>
              <option value="signed">signed</option>
              {supportsJarEncryption ? <option value="encrypted">signed and encrypted</option> : null}
            </select>
          </Field>
        ) : (
          <div />
        )}
      </div>
      {ar.par !== 'off' || !supportsPar ? (
        <ParEndpointField
          profileId={d.id}
          value={ar.parEndpoint}
          discovered={typeof m?.pushed_authorization_request_endpoint === 'string' ? m.pushed_authorization_request_endpoint : undefined}
          onChange={(parEndpoint) => set({ parEndpoint })}
        />
      ) : null}
      {ar.requestObject !== 'off' ? (
        <div className="grid2">
          <Field label="Request object key (keystore)" htmlFor="ar-jar-key" hint="empty: the client authentication key">
            <select id="ar-jar-key" value={ar.requestObjectKeyAlias ?? ''} onChange={(e) => set({ requestObjectKeyAlias: e.target.value || undefined })}>
              <option value="">{d.clientAuth.keyAlias ? `client key (${d.clientAuth.keyAlias})` : '— choose a key —'}</option>
              {keys.map((k) => (
                <option key={k.alias} value={k.alias}>
                  {k.alias} ({k.alg})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Lifetime (s)" htmlFor="ar-jar-life">
            <input id="ar-jar-life" type="number" min={1} max={3600} value={ar.requestObjectLifetime} onChange={(e) => set({ requestObjectLifetime: Math.min(3600, Math.max(1, Number(e.target.value) || 300)) })} />
          </Field>
        </div>
      ) : null}
      {ar.requestObject === 'encrypted' ? (
        <RequestObjectEncryptionFields
          profileId={d.id}
          ar={ar}
          algs={list(m, 'request_object_encryption_alg_values_supported')}
          encs={list(m, 'request_object_encryption_enc_values_supported')}
          onChange={set}
        />
      ) : null}

      <div className="grid2">
        <Field label="Response type" htmlFor="ar-rt">
          <select id="ar-rt" value={ar.responseType ?? ''} onChange={(e) => set({ responseType: (e.target.value || undefined) as AuthorizationRequestConfig['responseType'] })}>
            <option value="">default ({d.grantType === 'implicit' ? 'id_token token' : 'code'})</option>
            {RESPONSE_TYPES.filter((t) => types.includes(t)).map((t) => (
              <option key={t} value={t}>
                {t}
                {t === 'code id_token' ? ' (hybrid)' : ''}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Response mode" htmlFor="ar-rm">
          <select id="ar-rm" value={ar.responseMode ?? ''} onChange={(e) => set({ responseMode: (e.target.value || undefined) as AuthorizationRequestConfig['responseMode'] })}>
            <option value="">default</option>
            {RESPONSE_MODES.filter((mode) => modes.includes(mode)).map((mode) => (
              <option key={mode} value={mode}>
                {mode}
                {mode.endsWith('jwt') ? ' (JARM)' : ''}
              </option>
            ))}
          </select>
        </Field>
      </div>

      {ar.responseMode?.endsWith('jwt') ? (
        <Field label="Decrypt JARM responses with (keystore)" htmlFor="ar-jarm-key" hint="only when the server encrypts responses to this client">
          <select id="ar-jarm-key" value={ar.jarmDecryptionKeyAlias ?? ''} onChange={(e) => set({ jarmDecryptionKeyAlias: e.target.value || undefined })}>
            <option value="">not encrypted</option>
            {keys.map((k) => (
              <option key={k.alias} value={k.alias}>
                {k.alias} ({k.alg})
              </option>
            ))}
          </select>
        </Field>
      ) : null}

      <div className="label">OpenID Connect parameters</div>
      <div className="grid2">
        <Field label="prompt" htmlFor="ar-prompt" hint="none, login, consent, select_account, create">
          <input id="ar-prompt" value={ar.prompt ?? ''} onChange={(e) => set({ prompt: e.target.value.trim() ? e.target.value.replace(/[,\s]+/g, ' ').trimStart() : undefined })} />
        </Field>
        <Field label="max_age (s)" htmlFor="ar-max-age">
          <input id="ar-max-age" type="number" min={0} value={ar.maxAge ?? ''} onChange={(e) => set({ maxAge: e.target.value === '' ? undefined : Math.max(0, Math.floor(Number(e.target.value))) })} />
        </Field>
        <Field label="acr_values" htmlFor="ar-acr" hint={list(m, 'acr_values_supported')?.join(', ')}>
          <input id="ar-acr" value={ar.acrValues ?? ''} onChange={(e) => set({ acrValues: e.target.value || undefined })} />
        </Field>
        <Field label="login_hint" htmlFor="ar-login-hint">
          <input id="ar-login-hint" value={ar.loginHint ?? ''} onChange={(e) => set({ loginHint: e.target.value || undefined })} />
        </Field>
        <Field label="ui_locales" htmlFor="ar-ui-locales" hint={list(m, 'ui_locales_supported')?.join(', ')}>
          <input id="ar-ui-locales" value={ar.uiLocales ?? ''} onChange={(e) => set({ uiLocales: e.target.value || undefined })} />
        </Field>
      </div>
      {runInputs && onRunInputs ? <IdTokenHintField value={runInputs.idTokenHint} onChange={(idTokenHint) => onRunInputs({ ...runInputs, idTokenHint })} /> : null}
      {supportsClaims ? (
        <Field label="claims (JSON, OIDC Core §5.5)" htmlFor="ar-claims">
          <textarea
            id="ar-claims"
            rows={3}
            className="mono"
            value={claimsText}
            placeholder='{"id_token": {"email": {"essential": true}}}'
            aria-invalid={claimsError ? true : undefined}
            aria-describedby={claimsError ? 'ar-claims-error' : undefined}
            onChange={(e) => onClaims(e.target.value)}
          />
          {claimsError ? (
            <div id="ar-claims-error" className="error-text" role="alert">
              {claimsError}
            </div>
          ) : null}
        </Field>
      ) : null}
    </details>
  );
}
