import { useState, type ReactNode } from 'react';
import type { RunProgress } from '../../../shared/ipc';
import { call } from '../api';
import { copyText, formatDuration, useNow } from '../lib/hooks';
import { ErrorBox } from './ErrorBox';
import { CibaProgress } from './modern/CibaProgress';

/** A run in flight as the user sees it: what it waits for, the sign-in page to copy or open again, Cancel. */
export interface RunningState {
  runId: string;
  label: string;
  /** The latest progress event, and the sign-in page and opener failure seen so far (they outlive later events). */
  progress?: RunProgress;
  authorizationUrl?: string;
  browserError?: string;
  /** When the wait for the sign-in ends. */
  expiresAt?: string;
  /** CIBA (issue 14): the request on the user's device; its binding message and expiry outlive the polls. */
  ciba?: Extract<RunProgress, { kind: 'ciba' }>;
}

/** Folds a progress event into the running state. */
export function withProgress(run: RunningState, progress: RunProgress): RunningState {
  const next: RunningState = { ...run, progress };
  if (progress.kind === 'waiting_for_redirect') {
    next.expiresAt = progress.expiresAt;
    if (progress.authorizationUrl) next.authorizationUrl = progress.authorizationUrl;
  }
  if (progress.kind === 'browser_failed') {
    next.authorizationUrl = progress.url;
    next.browserError = progress.message;
  }
  if (progress.kind === 'browser_opened') next.browserError = undefined;
  if (progress.kind === 'ciba') next.ciba = progress;
  return next;
}

export function RunState({ run, onCancel }: { run: RunningState; onCancel: () => void }) {
  const now = useNow(1000);
  const p = run.progress;
  const left = (iso: string) => formatDuration((Date.parse(iso) - now) / 1000);
  const [copied, setCopied] = useState(false);
  const [openError, setOpenError] = useState<unknown>(null);
  let text: ReactNode = `${run.label}…`;
  const waiting = p?.kind === 'waiting_for_redirect' ? p : undefined;
  if (p?.kind === 'browser_opened' || p?.kind === 'browser_failed' || waiting) text = 'Waiting for you to sign in in your browser';
  if (p?.kind === 'device_code' || p?.kind === 'polling') text = <DeviceCode progress={p} now={now} />;
  if (run.ciba && (p?.kind === 'ciba' || p?.kind === 'polling')) text = <CibaProgress started={run.ciba} progress={p} now={now} />;
  const openAgain = async () => {
    setOpenError(null);
    try {
      await call('openRunUrl', { runId: run.runId });
    } catch (err) {
      setOpenError(err);
    }
  };
  return (
    <div className="panel run-state" data-testid="run-state" aria-live="polite">
      <div className="row">
        <div className="spinner" />
        <div className="grow">
          {text}
          {run.expiresAt && p?.kind !== 'device_code' && p?.kind !== 'polling' ? <span className="muted"> — {left(run.expiresAt)} left</span> : null}
        </div>
        <button onClick={onCancel}>Cancel</button>
      </div>
      {run.browserError ? (
        <div className="notice warn" role="alert" data-testid="browser-failed" style={{ marginTop: 6 }}>
          {/^the browser could not be started/i.test(run.browserError) ? run.browserError : `The browser could not be started: ${run.browserError}`}. Still waiting: open the page below yourself.
        </div>
      ) : null}
      {run.authorizationUrl && p?.kind !== 'device_code' && p?.kind !== 'polling' ? (
        <div className="auth-url" data-testid="authorization-url">
          <code title="The sign-in page">{run.authorizationUrl}</code>
          <button
            onClick={() =>
              void copyText(run.authorizationUrl as string).then(() => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              })
            }
          >
            {copied ? 'Copied' : 'Copy URL'}
          </button>
          <button onClick={() => void openAgain()}>Open again</button>
        </div>
      ) : null}
      <ErrorBox error={openError} testId="open-again-error" />
    </div>
  );
}

let lastDevice: Extract<RunProgress, { kind: 'device_code' }> | undefined;
function DeviceCode({ progress, now }: { progress: RunProgress; now: number }) {
  // Polling events do not repeat the code; keep showing the last one.
  if (progress.kind === 'device_code') lastDevice = progress;
  const d = lastDevice;
  if (!d) return <>Polling…</>;
  return (
    <div>
      Enter code <span className="user-code">{d.userCode}</span> at <code>{d.verificationUri}</code>
      <div className="muted">
        {progress.kind === 'polling' ? `polling (attempt ${progress.attempt}) · ` : ''}
        {formatDuration((Date.parse(d.expiresAt) - now) / 1000)} left
      </div>
    </div>
  );
}
