import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, Provider } from 'oidc-provider';
import type { AccountDirectory } from './accounts';
import { SANDBOX_USERNAME } from './accounts';
import { escapeHtml, page } from './html';

export const INTERACTION_PREFIX = '/interaction/';
const MAX_FORM_BYTES = 16 * 1024;

/**
 * The login and consent pages oidc-provider sends the user to. Plain HTML
 * forms, so a person in a browser and the scripted test user fill them in
 * the same way.
 */
export function createInteractionHandler(provider: Provider, accounts: AccountDirectory) {
  return async function handleInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const [uid, action] = url.pathname.slice(INTERACTION_PREFIX.length).split('/');
    try {
      if (!uid) return send(res, 404, page('Not found', '<p>No such interaction.</p>'));
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) return send(res, 400, page('Interaction mismatch', '<p>This page belongs to another sign-in attempt.</p>'));

      if (req.method === 'GET' && !action) return showPrompt(res, details);
      if (req.method !== 'POST') return send(res, 405, page('Method not allowed', '<p>Use the form.</p>'));
      const form = await readForm(req);

      if (action === 'login') {
        const username = form.get('username') ?? '';
        const password = form.get('password') ?? '';
        if (!accounts.checkPassword(username, password)) {
          return send(res, 401, loginPage(details, username, 'Wrong username or password.'));
        }
        return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
      }
      if (action === 'confirm') {
        const grantId = await grantConsent(provider, details);
        return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      }
      if (action === 'abort') {
        return provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
      }
      return send(res, 404, page('Not found', '<p>Unknown interaction step.</p>'));
    } catch (err) {
      // Usually an expired or foreign interaction (missing cookie); say so plainly.
      const message = err instanceof Error ? err.message : String(err);
      return send(res, 400, page('Sign-in failed', `<p class="error">${escapeHtml(message)}</p>`));
    }
  };
}

function showPrompt(res: ServerResponse, details: InteractionDetails): void {
  if (details.prompt.name === 'login') return send(res, 200, loginPage(details, SANDBOX_USERNAME));
  if (details.prompt.name === 'consent') return send(res, 200, consentPage(details));
  send(res, 400, page('Unsupported prompt', `<p>The sandbox does not handle the "${escapeHtml(details.prompt.name)}" prompt.</p>`));
}

function loginPage(details: InteractionDetails, username: string, error?: string): string {
  const base = `${INTERACTION_PREFIX}${encodeURIComponent(details.uid)}`;
  return page(
    'Sign in',
    `<p class="muted">Client <code>${escapeHtml(details.params.client_id)}</code> asks you to sign in.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form id="login" method="post" action="${base}/login" autocomplete="off">
<label for="username">Username</label>
<input id="username" type="text" name="username" value="${escapeHtml(username)}" autofocus>
<label for="password">Password</label>
<input id="password" type="password" name="password" value="">
<button type="submit">Sign in</button>
</form>
<form id="abort" method="post" action="${base}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function consentPage(details: InteractionDetails): string {
  const base = `${INTERACTION_PREFIX}${encodeURIComponent(details.uid)}`;
  const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  const items: string[] = [];
  if (d.missingOIDCScope?.length) items.push(`<li>Scopes: <code>${escapeHtml(d.missingOIDCScope.join(' '))}</code></li>`);
  if (d.missingOIDCClaims?.length) items.push(`<li>Claims: <code>${escapeHtml(d.missingOIDCClaims.join(' '))}</code></li>`);
  for (const [resource, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    items.push(`<li>At <code>${escapeHtml(resource)}</code>: <code>${escapeHtml(scopes.join(' '))}</code></li>`);
  }
  const rar = (details.prompt.details as { rar?: unknown[] }).rar;
  if (rar?.length) items.push(`<li>Authorization details: <pre data-authorization-details>${escapeHtml(JSON.stringify(rar, null, 2))}</pre></li>`);
  return page(
    'Authorize',
    `<p>Client <code>${escapeHtml(details.params.client_id)}</code> asks for access${items.length ? ':' : '.'}</p>
${items.length ? `<ul>${items.join('\n')}</ul>` : ''}
<form id="consent" method="post" action="${base}/confirm"><button type="submit" autofocus>Allow</button></form>
<form id="abort" method="post" action="${base}/abort"><button type="submit">Deny</button></form>`,
  );
}

/** Grants exactly what the consent prompt reported missing, to the grant already in play or a new one. */
async function grantConsent(provider: Provider, details: InteractionDetails): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id ?? '');
  if (!accountId) throw new Error('no signed-in user for this consent');
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]>; rar?: Array<{ type: string }> };
  // RAR (RFC 9396): what the user saw on the consent page is what the grant holds.
  for (const detail of d.rar ?? []) grant.addRar(detail);
  if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims?.length) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-frame-options', 'DENY');
  res.end(html);
}
