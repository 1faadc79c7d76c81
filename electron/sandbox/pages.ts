import type { KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, page } from './html';

/**
 * Replacements for oidc-provider's built-in pages (device code entry and
 * confirmation, logout, errors). The `form` strings come from oidc-provider
 * with their values already escaped; everything we add is escaped here.
 */

function render(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = 'html';
  ctx.body = html;
}

function clientLabel(ctx: KoaContextWithOIDC): string {
  const client = ctx.oidc.client as { clientName?: string; clientId?: string } | undefined;
  return client?.clientName ?? client?.clientId ?? 'a client';
}

export async function userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out: unknown, err?: { name?: string; userCode?: string }): Promise<void> {
  let message = '<p>Enter the code shown on your device.</p>';
  if (err && (err.userCode || err.name === 'NoCodeError')) message = '<p class="error" role="alert">That code is not valid. Try again.</p>';
  else if (err?.name === 'AbortedError') message = '<p class="error" role="alert">The sign-in was cancelled.</p>';
  else if (err) message = '<p class="error" role="alert">The code could not be processed.</p>';
  render(ctx, page('Connect a device', `${message}\n${form}\n<button type="submit" form="op.deviceInputForm">Continue</button>`));
}

export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, _client: unknown, _deviceInfo: unknown, userCode: string): Promise<void> {
  render(
    ctx,
    page(
      'Confirm device',
      `<p><code>${escapeHtml(clientLabel(ctx))}</code> wants to connect. Check that your device shows this code:</p>
<p><code>${escapeHtml(userCode)}</code></p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
    ),
  );
}

export async function successSource(ctx: KoaContextWithOIDC): Promise<void> {
  render(ctx, page('Device connected', `<p>Sign-in for <code>${escapeHtml(clientLabel(ctx))}</code> succeeded. You can close this page.</p>`));
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  render(
    ctx,
    page(
      'Sign out',
      `<p>Sign out of the sandbox?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
    ),
  );
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  render(ctx, page('Signed out', '<p>You are signed out of the sandbox.</p>'));
}

export async function renderError(ctx: KoaContextWithOIDC, out: Record<string, unknown>): Promise<void> {
  const rows = Object.entries(out)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('\n');
  render(ctx, page('Something went wrong', rows));
}
