import { WorkbenchError } from '../errors';
import { parseGrantType } from '../grants';
import { ConnectionProfileSchema, describeIssues, type ConnectionProfileInput } from '../profile';
import type { PresetSettings, ProviderPreset } from './types';

/** A new profile from a preset: no id yet, never a secret. */
export interface PresetDraft {
  profile: Omit<ConnectionProfileInput, 'id'>;
  /** The quirks applied, in words, for the user. */
  notes: string[];
  /** Inputs the preset used (defaults filled in). */
  inputs: Record<string, string>;
}

const PLACEHOLDER = /\{([a-z][a-z0-9-]*)\}/g;

/**
 * Turns a preset and the user's inputs into a profile draft. Pure and deterministic: the same
 * inputs give the same profile. Missing required inputs, values outside a choice list or a
 * pattern, and a result the profile schema refuses are errors naming the input.
 */
export function profileFromPreset(preset: ProviderPreset, given: Record<string, string | undefined>, name?: string): PresetDraft {
  const inputs: Record<string, string> = {};
  for (const input of preset.inputs) {
    let value = given[input.name]?.trim();
    if (!value && input.default !== undefined) value = input.default;
    if (!value) {
      if (input.required) throw new WorkbenchError('MISSING_CONFIGURATION', `${preset.name}: "${input.label}" is required (--${input.name})`, { details: { field: input.name } });
      continue;
    }
    if (input.choices && !input.choices.includes(value))
      throw new WorkbenchError('INVALID_INPUT', `${preset.name}: ${input.name} must be one of ${input.choices.join(', ')}, not "${value}"`, { details: { field: input.name } });
    if (input.pattern && !new RegExp(input.pattern).test(value))
      throw new WorkbenchError('INVALID_INPUT', `${preset.name}: "${value}" does not look like ${input.label}`, { details: { field: input.name } });
    // URLs are joined with paths: no trailing slash.
    inputs[input.name] = input.name.endsWith('url') ? value.replace(/\/+$/, '') : value;
  }
  // Defaults may refer to other inputs ("api://{client-id}").
  for (const [k, v] of Object.entries(inputs)) inputs[k] = v.replace(PLACEHOLDER, (_m, n: string) => inputs[n] ?? '');
  const unknown = Object.keys(given).filter((k) => given[k] !== undefined && !preset.inputs.some((i) => i.name === k));
  if (unknown.length) throw new WorkbenchError('INVALID_INPUT', `${preset.name} does not take ${unknown.map((u) => `--${u}`).join(', ')} (it takes ${preset.inputs.map((i) => `--${i.name}`).join(', ')})`);

  const merged: PresetSettings = {};
  const notes: string[] = [];
  for (const rule of preset.rules) {
    const applies = Object.entries(rule.when ?? {}).every(([k, want]) => (Array.isArray(want) ? want : [want]).includes(inputs[k] ?? ''));
    if (!applies) continue;
    Object.assign(merged, rule.set);
    if (rule.note) notes.push(rule.note);
  }

  /** Fills a template; undefined when a placeholder it needs has no value (the entry is left out). */
  const fill = (template: string): string | undefined => {
    let missing = false;
    const out = template.replace(PLACEHOLDER, (_m, n: string) => {
      const v = inputs[n];
      if (v === undefined || v === '') missing = true;
      return v ?? '';
    });
    return missing ? undefined : out;
  };
  const needed = (template: string, what: string): string => {
    const v = fill(template);
    if (v === undefined) {
      const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string).filter((n) => !inputs[n]);
      throw new WorkbenchError('MISSING_CONFIGURATION', `${preset.name}: the ${what} needs ${names.map((n) => `--${n}`).join(', ')}`, { details: { field: names[0] } });
    }
    return v;
  };
  const rows = (params: Record<string, string> | undefined) =>
    Object.entries(params ?? {}).flatMap(([k, t]) => {
      const v = fill(t);
      return v === undefined ? [] : [{ name: k, value: v }];
    });

  const grantType = merged.grantType ?? parseGrantType(inputs.grant ?? '') ?? 'authorization_code';
  const clientAuthMethod = merged.authMethod ?? 'client_secret_basic';
  const keyAlias = merged.keyAlias ? fill(merged.keyAlias) : undefined;
  if (clientAuthMethod === 'private_key_jwt' && !keyAlias) needed(merged.keyAlias ?? '{key}', 'certificate credential');
  const endpoints = Object.fromEntries(Object.entries(merged.endpoints ?? {}).map(([k, t]) => [k, needed(t, `${k} endpoint`)]));
  const jwtBearerClaims = merged.jwtBearerClaims
    ? Object.fromEntries(Object.entries(merged.jwtBearerClaims).flatMap(([k, t]) => {
        const v = fill(t);
        return v === undefined ? [] : [[k, v]];
      }))
    : undefined;
  const audience = merged.audience ? fill(merged.audience) : undefined;

  const profile: Omit<ConnectionProfileInput, 'id'> = {
    name: name ?? preset.name,
    ...(merged.issuer ? { issuer: needed(merged.issuer, 'issuer') } : {}),
    discovery: merged.discovery ?? true,
    endpoints,
    grantType,
    clientId: inputs['client-id'] ?? '',
    clientAuth: {
      method: clientAuthMethod,
      ...(keyAlias ? { keyAlias } : {}),
      ...(merged.signingAlg ? { signingAlg: merged.signingAlg } : {}),
      assertionAudience: merged.assertionAudience ?? 'token_endpoint',
      assertionLifetime: 300,
      x5t: merged.x5t ?? false,
    },
    scopes: (merged.scopes ?? []).flatMap((t) => fill(t) ?? []),
    pkce: merged.pkce ?? 'S256',
    ...(merged.openid !== undefined ? { openid: merged.openid } : {}),
    params: { authorization: rows(merged.authorizationParams), token: rows(merged.tokenParams), refresh: rows(merged.tokenParams) },
    ...(audience ? { audience } : {}),
    resource: (merged.resource ?? []).flatMap((t) => fill(t) ?? []),
    ...(jwtBearerClaims && Object.keys(jwtBearerClaims).length ? { jwtBearerClaims } : {}),
    secretRefs: [],
  };
  const parsed = ConnectionProfileSchema.safeParse({ ...profile, id: 'preset-draft' });
  if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', `${preset.name}: ${describeIssues(parsed.error)}`);
  return { profile, notes, inputs };
}
