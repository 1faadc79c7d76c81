import type { ProfileDraft } from '../RequestPanel';
import { Field } from '../FormBits';

/** CIBA (OpenID CIBA Core, poll mode): who is asked on their device and what they see there. Issue 14. */
export function CibaSection({ draft: d, onChange }: { draft: ProfileDraft; onChange: (patch: Partial<ProfileDraft>) => void }) {
  const ciba = d.ciba ?? {};
  const set = (patch: Partial<NonNullable<ProfileDraft['ciba']>>) => {
    const next = { ...ciba, ...patch };
    for (const k of Object.keys(next) as Array<keyof typeof next>) if (next[k] === undefined || next[k] === '') delete next[k];
    onChange({ ciba: next });
  };
  return (
    <section aria-labelledby="ciba-heading" data-testid="ciba-section">
      <h3 id="ciba-heading">Backchannel authentication (CIBA)</h3>
      <div className="grid2">
        <Field label="Login hint" required htmlFor="ciba-login-hint" hint="the user to ask (or an ID token hint below)">
          <input id="ciba-login-hint" value={ciba.loginHint ?? ''} onChange={(e) => set({ loginHint: e.target.value || undefined })} />
        </Field>
        <Field label="Binding message" htmlFor="ciba-binding-message" hint="shown on the user's device and here, to match the two">
          <input id="ciba-binding-message" value={ciba.bindingMessage ?? ''} maxLength={256} onChange={(e) => set({ bindingMessage: e.target.value || undefined })} />
        </Field>
        <Field label="User code" htmlFor="ciba-user-code">
          <input id="ciba-user-code" value={ciba.userCode ?? ''} onChange={(e) => set({ userCode: e.target.value || undefined })} />
        </Field>
        <Field label="Requested expiry (seconds)" htmlFor="ciba-expiry">
          <input id="ciba-expiry" type="number" min={1} max={86400} value={ciba.requestedExpiry ?? ''} onChange={(e) => set({ requestedExpiry: e.target.value ? Math.max(1, Math.min(86_400, Math.round(Number(e.target.value)))) : undefined })} />
        </Field>
      </div>
      <details>
        <summary className="muted">Other hints</summary>
        <Field label="ID token hint" htmlFor="ciba-id-token-hint">
          <textarea id="ciba-id-token-hint" rows={2} value={ciba.idTokenHint ?? ''} onChange={(e) => set({ idTokenHint: e.target.value.trim() || undefined })} />
        </Field>
        <Field label="Login hint token" htmlFor="ciba-login-hint-token">
          <textarea id="ciba-login-hint-token" rows={2} value={ciba.loginHintToken ?? ''} onChange={(e) => set({ loginHintToken: e.target.value.trim() || undefined })} />
        </Field>
      </details>
    </section>
  );
}
