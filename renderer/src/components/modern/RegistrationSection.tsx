import { useState } from 'react';
import { AUTH_METHODS, type AuthMethod, type GrantType } from '../../../../shared/grants';
import type { KeyInfo, RegistrationResult, ServerMetadata } from '../../../../shared/ipc';
import { call } from '../../api';
import { GRANT_LABELS } from '../../lib/profile-rules';
import { ErrorBox } from '../ErrorBox';
import { Field } from '../FormBits';
import type { ProfileDraft } from '../RequestPanel';

const OFFERED: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:openid:params:grant-type:ciba'];

/**
 * Dynamic client registration (RFC 7591/7592), issue 14: register a new client at this server (saved as a
 * new profile, secrets in the keychain), or read / update / delete this profile's registration.
 */
export function RegistrationSection({ draft: d, metadata: m, keys, issuer, onChanged }: { draft: ProfileDraft; metadata: ServerMetadata | null; keys: KeyInfo[]; issuer?: string; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<RegistrationResult | null>(null);
  const [name, setName] = useState('');
  const [iat, setIat] = useState('');
  const [grants, setGrants] = useState<GrantType[]>(['authorization_code', 'refresh_token']);
  const [method, setMethod] = useState<AuthMethod>('client_secret_basic');
  const [keyAlias, setKeyAlias] = useState('');
  const [clientName, setClientName] = useState('');
  const endpoint = typeof m?.registration_endpoint === 'string' ? m.registration_endpoint : undefined;
  if (!endpoint && !d.registration) return null;

  const run = async (work: () => Promise<RegistrationResult>) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await work());
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="registration-heading" data-testid="registration-section">
      <h3 id="registration-heading">Client registration</h3>
      {d.registration && d.id ? (
        <div>
          <div className="hint">
            Registered dynamically; managed at <code>{d.registration.registrationClientUri}</code> with the registration access token in the keychain.
          </div>
          <div className="row" style={{ flexWrap: 'wrap', gap: 6, marginTop: 6 }}>
            <button disabled={busy} onClick={() => void run(() => call('manageRegistration', { profileId: d.id, operation: 'read' }))}>
              Read registration
            </button>
            <input aria-label="New client name" placeholder="new client_name" value={clientName} onChange={(e) => setClientName(e.target.value)} />
            <button disabled={busy || !clientName.trim()} onClick={() => void run(() => call('manageRegistration', { profileId: d.id, operation: 'update', metadata: { client_name: clientName.trim() } }))}>
              Update name
            </button>
            <button className="danger" disabled={busy} onClick={() => void run(() => call('manageRegistration', { profileId: d.id, operation: 'delete' }))}>
              Delete registration
            </button>
          </div>
        </div>
      ) : (
        <details>
          <summary>Register a new client at this server…</summary>
          <div className="grid2">
            <Field label="New profile name" required htmlFor="reg-name">
              <input id="reg-name" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Initial access token" htmlFor="reg-iat" hint="if the server requires one; not stored">
              <input id="reg-iat" type="password" autoComplete="off" value={iat} onChange={(e) => setIat(e.target.value)} />
            </Field>
            <Field label="Client authentication" htmlFor="reg-method">
              <select id="reg-method" value={method} onChange={(e) => setMethod(e.target.value as AuthMethod)}>
                {AUTH_METHODS.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </Field>
            <Field label="Key to register (JWKS)" htmlFor="reg-key">
              <select id="reg-key" value={keyAlias} onChange={(e) => setKeyAlias(e.target.value)}>
                <option value="">— none —</option>
                {keys.map((k) => (
                  <option key={k.alias} value={k.alias}>
                    {k.alias} ({k.alg})
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <fieldset>
            <legend>Grant types</legend>
            {OFFERED.map((g) => (
              <label key={g} className="row">
                <input type="checkbox" checked={grants.includes(g)} onChange={(e) => setGrants(e.target.checked ? [...grants, g] : grants.filter((x) => x !== g))} /> {GRANT_LABELS[g]}
              </label>
            ))}
          </fieldset>
          <div className="hint">Redirect URI: {d.redirect.mode === 'fixed' && d.redirect.url ? d.redirect.url : 'the loopback redirect http://127.0.0.1/callback'}</div>
          <button
            className="primary"
            disabled={busy || !name.trim() || grants.length === 0}
            onClick={() =>
              void run(() =>
                call('registerClient', {
                  ...(issuer ? { issuer } : { registrationEndpoint: endpoint }),
                  ...(iat ? { initialAccessToken: iat } : {}),
                  grantTypes: grants,
                  authMethod: method,
                  ...(keyAlias ? { keyAlias } : {}),
                  ...(d.redirect.mode === 'fixed' && d.redirect.url ? { redirectUrl: d.redirect.url } : {}),
                  ...(d.groupId ? { groupId: d.groupId } : {}),
                  profileName: name.trim(),
                }),
              )
            }
          >
            {busy ? 'Registering…' : 'Register and save as a profile'}
          </button>
        </details>
      )}
      <ErrorBox error={error} testId="registration-error" />
      {result ? (
        <div data-testid="registration-result">
          {result.profile && !d.registration ? <div className="notice">Saved as profile “{result.profile.name}”.</div> : null}
          {result.response ? <pre className="code">{JSON.stringify(result.response, null, 2)}</pre> : <div className="notice">Registration deleted; the profile is kept.</div>}
        </div>
      ) : null}
    </section>
  );
}
