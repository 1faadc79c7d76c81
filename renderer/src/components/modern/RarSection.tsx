import { useEffect, useState } from 'react';
import type { ServerMetadata } from '../../../../shared/ipc';
import { AuthorizationDetailsSchema, describeIssues } from '../../../../shared/profile';
import type { ProfileDraft } from '../RequestPanel';

const EXAMPLES: Record<string, Record<string, unknown>> = {
  payment_initiation: { type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '123.50' }, creditorName: 'Merchant A' },
};

/**
 * Rich Authorization Requests (RFC 9396): authorization_details as JSON, checked as it is typed (an array of
 * objects with a string "type"). The typed text is kept while it is invalid; the profile changes only when
 * it is valid. Shown when the server lists authorization_details_types_supported. Issue 14.
 */
export function RarSection({ draft: d, metadata: m, onChange }: { draft: ProfileDraft; metadata: ServerMetadata | null; onChange: (patch: Partial<ProfileDraft>) => void }) {
  const types = Array.isArray(m?.authorization_details_types_supported) ? (m.authorization_details_types_supported as string[]) : undefined;
  const saved = d.rar?.authorizationDetails;
  const [text, setText] = useState(() => (saved ? JSON.stringify(saved, null, 2) : ''));
  const [error, setError] = useState<string | null>(null);
  // Another profile, or a save elsewhere: show what the profile holds.
  useEffect(() => {
    setText(saved ? JSON.stringify(saved, null, 2) : '');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d.id]);
  if (!types && !saved) return null;

  const edit = (value: string) => {
    setText(value);
    if (!value.trim()) {
      setError(null);
      onChange({ rar: undefined });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      setError(`not JSON: ${(err as Error).message}`);
      return;
    }
    const checked = AuthorizationDetailsSchema.safeParse(parsed);
    if (!checked.success) {
      setError(`${describeIssues(checked.error)} — an array of objects, each with a string "type"`);
      return;
    }
    const unknown = types ? checked.data.filter((x) => !types.includes(x.type)).map((x) => x.type) : [];
    setError(unknown.length ? `the server does not list type ${unknown.join(', ')} (it will likely refuse it)` : null);
    onChange({ rar: { authorizationDetails: checked.data } });
  };

  return (
    <section aria-labelledby="rar-heading" data-testid="rar-section">
      <h3 id="rar-heading">Authorization details (RAR)</h3>
      <div className="field">
        <label htmlFor="rar-json">authorization_details (JSON array)</label>
        <textarea id="rar-json" rows={6} spellCheck={false} value={text} aria-invalid={error ? true : undefined} aria-describedby="rar-hint" onChange={(e) => edit(e.target.value)} />
        <div className="hint" id="rar-hint">
          {error ? (
            <span className="error" role="alert">
              {error}
            </span>
          ) : (
            'Sent on the authorization request (and the token request of client credentials, the CIBA request).'
          )}
        </div>
      </div>
      {types?.length ? (
        <div className="supported">
          <span className="muted">Server types:</span>
          {types.map((t) => (
            <button key={t} className="badge" title={`Add a ${t} detail`} onClick={() => edit(JSON.stringify([...(saved ?? []), EXAMPLES[t] ?? { type: t }], null, 2))}>
              + {t}
            </button>
          ))}
        </div>
      ) : null}
    </section>
  );
}
