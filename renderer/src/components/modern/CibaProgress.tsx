import type { RunProgress } from '../../../../shared/ipc';

/** The binding message and countdown while the user answers on their device, through the polls that follow. */
export function CibaProgress({ started, progress, now }: { started: Extract<RunProgress, { kind: 'ciba' }>; progress: RunProgress; now: number }) {
  const left = Math.max(0, Math.round((Date.parse(started.expiresAt) - now) / 1000));
  return (
    <div data-testid="ciba-progress">
      Approve the request on your device{started.bindingMessage ? <> — it should show <span className="user-code">{started.bindingMessage}</span></> : null}
      <div className="muted">
        {progress.kind === 'polling' ? `polling every ${progress.intervalSeconds ?? started.intervalSeconds} s (attempt ${progress.attempt}) · ` : `polling every ${started.intervalSeconds} s · `}
        {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')} left
      </div>
    </div>
  );
}
