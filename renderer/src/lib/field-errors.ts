import { createContext } from 'react';
import { ApiError } from '../api';
import { valueAt, type FieldError, type ProfileDraft } from './session-store';

/**
 * Errors next to the fields that caused them (issue 12): the request form's element ids for schema paths
 * and for the "missing" rules, and a context the form's Field reads its own error from.
 */

/** Schema path → id of the form element that edits it. */
const ELEMENT_OF_PATH: Record<string, string> = {
  issuer: 'issuer',
  clientId: 'client-id',
  grantType: 'grant',
  'clientAuth.method': 'auth-method',
  'clientAuth.keyAlias': 'key-alias',
  'clientAuth.signingAlg': 'key-alg',
  'clientAuth.tlsKeyAlias': 'tls-alias',
  scopes: 'scope-input',
  'redirect.url': 'redirect-url',
  pkce: 'pkce',
  username: 'username',
  audience: 'audience',
  resource: 'resource',
  expectedAudience: 'expected-audience',
  'network.proxy': 'proxy',
  'network.caFile': 'ca',
  'network.timeoutMs': 'timeout',
};

export function elementOfPath(path: string): string | undefined {
  if (ELEMENT_OF_PATH[path]) return ELEMENT_OF_PATH[path];
  const endpoint = /^endpoints\.(\w+)/.exec(path);
  if (endpoint) return `ep-${endpoint[1]}`;
  const prefix = Object.keys(ELEMENT_OF_PATH).find((p) => path.startsWith(`${p}.`));
  return prefix ? ELEMENT_OF_PATH[prefix] : undefined;
}

/** missingFields' labels (profile-rules) → element ids, by the label's start. */
const ELEMENT_OF_MISSING: Array<[string, string]> = [
  ['Client ID', 'client-id'],
  ['Token endpoint', 'ep-token'],
  ['Authorization endpoint', 'ep-authorization'],
  ['Device authorization endpoint', 'ep-device_authorization'],
  ['Client secret', 'secret-clientSecret'],
  ['Signing key', 'key-alias'],
  ['Client certificate', 'tls-alias'],
  ['Redirect URL', 'redirect-url'],
  ['Username', 'username'],
  ['Password', 'secret-password'],
  ['Refresh token', 'secret-refreshToken'],
  ['Subject token', 'subject-token'],
  ['SAML assertion', 'saml'],
  ['Assertion', 'assertion'],
  ['id_token_hint', 'ar-id-token-hint'],
];

export function elementOfMissing(label: string): string | undefined {
  return ELEMENT_OF_MISSING.find(([start]) => label.startsWith(start))?.[1];
}

/** The field problems a service error carries (details.fields), placed on the form's elements. */
export function fieldErrorsOf(err: unknown, draft: ProfileDraft): Record<string, FieldError> {
  const fields = err instanceof ApiError ? err.info.details?.fields : undefined;
  if (!Array.isArray(fields)) return {};
  const out: Record<string, FieldError> = {};
  for (const f of fields as Array<{ path: string; message: string }>) {
    const id = elementOfPath(f.path);
    if (id && !out[id]) out[id] = { message: f.message, path: f.path, value: valueAt(draft, f.path) };
  }
  return out;
}

/** Moves focus to the first field with an error, in form order, and brings it into view. */
export function focusFirstInvalid(ids: string[]): void {
  requestAnimationFrame(() => {
    const elements = ids.map((id) => document.getElementById(id)).filter((e): e is HTMLElement => Boolean(e));
    elements.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    const first = elements[0];
    if (!first) return;
    // A field inside a closed <details> is opened first.
    const details = first.closest('details');
    if (details && !details.open) details.open = true;
    first.focus();
    first.scrollIntoView({ block: 'center' });
  });
}

/** Element id → message, read by each Field of the request form. */
export const FieldErrorsContext = createContext<Record<string, string>>({});
