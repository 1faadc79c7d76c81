import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { SANDBOX_USERNAME } from './accounts';
import { escapeHtml, page } from './html';
import { oidcErrors } from './loader';

/** Where the sandbox user sees CIBA requests and answers them (the "authentication device"). */
export const CIBA_PAGE = '/ciba';
/** Poll interval the sandbox asks CIBA clients for (oidc-provider sends none; clients would default to 5 s). */
export const CIBA_INTERVAL_SECONDS = 1;

export interface PendingCibaRequest {
  /** auth_req_id's record id in the provider (the request's jti). */
  id: string;
  clientId: string;
  accountId: string;
  scope: string;
  bindingMessage?: string;
  createdAt: string;
}

interface BackchannelRequestLike {
  jti: string;
  clientId: string;
  accountId: string;
  scope: string;
  params?: Record<string, unknown>;
}

/**
 * The sandbox's CIBA authentication device: requests wait here until the
 * user approves or denies them on the sandbox's /ciba page, or a test does
 * through the sandbox handle.
 */
export class CibaDevice {
  private readonly pending = new Map<string, PendingCibaRequest>();
  private provider?: Provider;
  private readonly waiters = new Set<(r: PendingCibaRequest) => void>();

  attach(provider: Provider): void {
    this.provider = provider;
  }

  /** oidc-provider's features.ciba hooks. */
  hooks() {
    return {
      enabled: true,
      deliveryModes: ['poll'],
      // The sandbox's one user, by name or e-mail; anything else is an unknown user.
      processLoginHint: async (_ctx: KoaContextWithOIDC, loginHint: string) => (loginHint === SANDBOX_USERNAME || loginHint === 'alice@sandbox.test' ? SANDBOX_USERNAME : undefined),
      processLoginHintToken: async (ctx: KoaContextWithOIDC, loginHintToken: string) => userOfLoginHintToken(ctx, loginHintToken),
      verifyUserCode: async () => undefined,
      validateRequestContext: async () => undefined,
      validateBindingMessage: async (_ctx: KoaContextWithOIDC, message: string | undefined) => {
        if (message !== undefined && !/^[\p{L}\p{N} .,:;!?#+/_-]{1,40}$/u.test(message))
          throw new (oidcErrors().InvalidBindingMessage)('binding_message must be 1–40 letters, digits, spaces or basic punctuation');
      },
      triggerAuthenticationDevice: async (ctx: KoaContextWithOIDC, request: BackchannelRequestLike) => {
        const body = ctx.body as Record<string, unknown> | undefined;
        if (body && typeof body === 'object') body.interval = CIBA_INTERVAL_SECONDS;
        const bindingMessage = typeof request.params?.binding_message === 'string' ? request.params.binding_message : undefined;
        const entry: PendingCibaRequest = {
          id: request.jti,
          clientId: request.clientId,
          accountId: request.accountId,
          scope: request.scope,
          ...(bindingMessage ? { bindingMessage } : {}),
          createdAt: new Date().toISOString(),
        };
        this.pending.set(entry.id, entry);
        for (const w of this.waiters) w(entry);
      },
    };
  }

  list(): PendingCibaRequest[] {
    return [...this.pending.values()];
  }

  /** Resolves with the next request that arrives (or one already waiting). */
  next(timeoutMs = 10_000): Promise<PendingCibaRequest> {
    const waiting = this.list()[0];
    if (waiting) return Promise.resolve(waiting);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error('no CIBA request arrived'));
      }, timeoutMs);
      const done = (r: PendingCibaRequest) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(r);
      };
      this.waiters.add(done);
    });
  }

  async approve(id: string): Promise<void> {
    const provider = this.requireProvider();
    const request = await provider.BackchannelAuthenticationRequest.find(id, { ignoreExpiration: true });
    if (!request) throw new Error(`no CIBA request ${id}`);
    const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
    grant.addOIDCScope(String(request.scope ?? 'openid'));
    const params = request.params ?? {};
    let rar: unknown[] | undefined;
    if (typeof params.authorization_details === 'string') {
      rar = JSON.parse(params.authorization_details) as unknown[];
      for (const detail of rar) grant.addRar(detail as { type: string });
    }
    await grant.save();
    await provider.backchannelResult(request, grant, rar ? { rar } : {});
    this.pending.delete(id);
  }

  async deny(id: string): Promise<void> {
    const provider = this.requireProvider();
    await provider.backchannelResult(id, new (oidcErrors().AccessDenied)('the user denied the request on the sandbox CIBA page'));
    this.pending.delete(id);
  }

  private requireProvider(): Provider {
    if (!this.provider) throw new Error('the CIBA device is not attached to a provider');
    return this.provider;
  }

  /** GET /ciba lists waiting requests; POST /ciba/<id>/approve|deny answers one. Plain HTML forms, no script. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const [, , id, action] = url.pathname.split('/');
    try {
      if (req.method === 'GET' && !id) return send(res, 200, this.listPage());
      if (req.method !== 'POST' || !id || (action !== 'approve' && action !== 'deny')) return send(res, 404, page('Not found', '<p>No such CIBA action.</p>'));
      if (!this.pending.has(id)) return send(res, 404, page('Not found', '<p>That request is no longer waiting.</p>'));
      if (action === 'approve') await this.approve(id);
      else await this.deny(id);
      return send(res, 200, page(action === 'approve' ? 'Approved' : 'Denied', `<p>You ${action === 'approve' ? 'approved' : 'denied'} the request. The client gets its answer at its next poll.</p><p><a href="${CIBA_PAGE}">Back</a></p>`));
    } catch (err) {
      return send(res, 400, page('CIBA failed', `<p class="error">${escapeHtml(err instanceof Error ? err.message : String(err))}</p>`));
    }
  }

  private listPage(): string {
    const items = this.list().map(
      (r) => `<li><p>Client <code>${escapeHtml(r.clientId)}</code> asks <code>${escapeHtml(r.accountId)}</code> for <code>${escapeHtml(r.scope)}</code>${
        r.bindingMessage ? `<br>Binding message: <strong data-binding-message>${escapeHtml(r.bindingMessage)}</strong>` : ''
      }</p>
<form method="post" action="${CIBA_PAGE}/${encodeURIComponent(r.id)}/approve"><button type="submit">Approve</button></form>
<form method="post" action="${CIBA_PAGE}/${encodeURIComponent(r.id)}/deny"><button type="submit">Deny</button></form></li>`,
    );
    return page('CIBA requests', items.length ? `<p>Check the binding message matches what the client shows.</p><ul>${items.join('\n')}</ul>` : '<p class="muted">No request is waiting. Reload this page after the client asks.</p>');
  }
}

function send(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-frame-options', 'DENY');
  res.end(html);
}

/**
 * login_hint_token (CIBA Core §7.1). Its format is the server's choice; the sandbox takes a JWT the client signs
 * with its client secret (HS256), `iss` its client_id, an `exp`, and the user as an RFC 9493 subject identifier
 * (`sub_id` {format "email", email} or {format "opaque", id}) or a plain `sub`. A bad signature, a missing exp
 * or another issuer is invalid_request; a user it does not know is unknown_user_id.
 */
async function userOfLoginHintToken(ctx: KoaContextWithOIDC, token: string): Promise<string | undefined> {
  const client = ctx.oidc.client;
  const secret = typeof client?.clientSecret === 'string' ? client.clientSecret : undefined;
  const InvalidRequest = oidcErrors().InvalidRequest;
  if (!client || !secret) throw new InvalidRequest('the sandbox verifies login_hint_token with the client secret (HS256); this client has none');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], issuer: String(client.clientId), requiredClaims: ['exp'], maxTokenAge: '1h' }));
  } catch (err) {
    throw new InvalidRequest(`login_hint_token is not valid: ${err instanceof Error ? err.message : String(err)}`);
  }
  const subId = payload.sub_id && typeof payload.sub_id === 'object' ? (payload.sub_id as Record<string, unknown>) : undefined;
  const named = subId?.format === 'email' ? subId.email : subId?.format === 'opaque' ? subId.id : payload.sub;
  return named === SANDBOX_USERNAME || named === 'alice@sandbox.test' ? SANDBOX_USERNAME : undefined;
}
