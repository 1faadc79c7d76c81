import { WorkbenchError } from '../../shared/errors';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): the URL
 * to open in the browser. Opening it is the caller's job (UI or CLI).
 */
export interface LogoutUrlInput {
  endSessionEndpoint: string;
  idTokenHint?: string;
  postLogoutRedirectUri?: string;
  state?: string;
  /** Needed by the server to check post_logout_redirect_uri when there is no id_token_hint. */
  clientId?: string;
  logoutHint?: string;
  uiLocales?: string;
  extra?: Array<[string, string]>;
}

export function buildLogoutUrl(input: LogoutUrlInput): string {
  let url: URL;
  try {
    url = new URL(input.endSessionEndpoint);
  } catch {
    throw new WorkbenchError('INVALID_INPUT', `end_session_endpoint "${input.endSessionEndpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WorkbenchError('INVALID_INPUT', 'end_session_endpoint must be an http(s) URL');
  if (input.postLogoutRedirectUri !== undefined) {
    try {
      new URL(input.postLogoutRedirectUri);
    } catch {
      throw new WorkbenchError('INVALID_INPUT', `post_logout_redirect_uri "${input.postLogoutRedirectUri}" is not an absolute URL`);
    }
    if (!input.idTokenHint && !input.clientId)
      throw new WorkbenchError('MISSING_CONFIGURATION', 'post_logout_redirect_uri needs id_token_hint or client_id so the server can check it is registered');
  }
  if (input.state !== undefined && input.postLogoutRedirectUri === undefined)
    throw new WorkbenchError('INVALID_INPUT', 'state is only returned with a post_logout_redirect_uri');
  // Parameters already in the endpoint's query are kept (some servers need a tenant there); ours replace same-named ones.
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') url.searchParams.set(name, value);
  };
  set('id_token_hint', input.idTokenHint);
  set('client_id', input.clientId);
  set('post_logout_redirect_uri', input.postLogoutRedirectUri);
  set('state', input.state);
  set('logout_hint', input.logoutHint);
  set('ui_locales', input.uiLocales);
  for (const [k, v] of input.extra ?? []) url.searchParams.append(k, v);
  return url.toString();
}
