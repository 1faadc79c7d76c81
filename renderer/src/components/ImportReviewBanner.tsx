import { useEffect, useRef, useState } from 'react';
import { awaitsImportReview } from '../../../shared/import-trust';
import type { ImportReview } from '../../../shared/ipc';
import type { ConnectionProfile } from '../../../shared/profile';
import { call } from '../api';
import { ErrorBox } from './ErrorBox';

/**
 * Import trust (issue 11): a profile imported with a keystore alias or JWT
 * bearer claims signs nothing until the user has seen them here and
 * confirmed. The confirmation names what was shown (the review's digest), so
 * a profile changed in between is not confirmed blindly.
 */
export function ImportReviewBanner({ profile, onConfirmed }: { profile: ConnectionProfile; onConfirmed: () => Promise<void> }) {
  const [review, setReview] = useState<ImportReview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    setReview(null);
    setError(null);
  }, [profile.id, profile.updatedAt]);
  useEffect(() => {
    if (review) heading.current?.focus();
  }, [review]);

  if (!awaitsImportReview(profile)) return null;

  const open = async () => {
    setError(null);
    try {
      setReview(await call('getImportReview', { profileId: profile.id }));
    } catch (err) {
      setError(err);
    }
  };
  const close = () => {
    setReview(null);
    setTimeout(() => opener.current?.focus(), 0);
  };
  const confirm = async () => {
    if (!review) return;
    setBusy(true);
    setError(null);
    try {
      await call('confirmImportedProfile', { profileId: profile.id, digest: review.digest });
      setReview(null);
      await onConfirmed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="missing" data-testid="import-review" role="region" aria-label="Imported settings to review">
      <div className="row wrap">
        <div className="grow">
          <strong>Imported from a file{profile.imported?.source ? ` (${profile.imported.source})` : ''}.</strong> Its signing key alias and assertion claims are not used until you
          review and confirm them.
        </div>
        {!review ? (
          <button ref={opener} onClick={() => void open()} data-testid="import-review-open">
            Review imported settings
          </button>
        ) : null}
      </div>
      {review ? (
        <div style={{ marginTop: 6 }}>
          <h4 ref={heading} tabIndex={-1} style={{ margin: '4px 0' }}>
            What your keys will be used for
          </h4>
          <dl className="import-review-fields">
            {review.fields.map((f) => (
              <div key={f.field}>
                <dt>
                  {f.label}
                  {f.reviewed ? <span className="badge bad"> from the file</span> : null}
                </dt>
                <dd>
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{f.value}</pre>
                </dd>
              </div>
            ))}
          </dl>
          <div className="row">
            <button className="primary" onClick={() => void confirm()} disabled={busy} data-testid="import-review-confirm">
              Confirm and allow signing
            </button>
            <button onClick={close}>Not now</button>
          </div>
        </div>
      ) : null}
      <ErrorBox error={error} testId="import-review-error" />
    </div>
  );
}
