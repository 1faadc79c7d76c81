import { WorkbenchError } from './errors';
import { ConnectionProfileSchema, describeIssues, type ConnectionGroup, type ConnectionProfile, type Environment } from './profile';

/**
 * Environments and variables (issue 13 §3): `{{name}}` in any text field of a profile is replaced by
 * the active environment's variable before anything is sent. Pure: the caller reads secret values
 * from the keychain and passes them in, so the CLI and the app resolve the same way.
 */

/** `{{ name }}`: letters, digits, `_ . -`; spaces inside the braces are allowed. */
const VARIABLE = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Names of the variables a text refers to, in order, without repeats. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1] as string))];
}

export const hasVariables = (text: string): boolean => /\{\{\s*[A-Za-z0-9_.-]+\s*\}\}/.test(text);

/** The environment to use: by name (CLI `--env`), else the group's active one, else none. */
export function selectEnvironment(group: ConnectionGroup | undefined, name?: string): Environment | undefined {
  const envs = group?.environments ?? [];
  if (name !== undefined) {
    const env = envs.find((e) => e.name === name) ?? envs.find((e) => e.name.toLowerCase() === name.toLowerCase());
    if (!env) {
      const known = envs.map((e) => e.name).join(', ');
      throw new WorkbenchError(
        'NOT_FOUND',
        group ? `group "${group.name}" has no environment "${name}"${known ? ` (it has: ${known})` : ' (it has none)'}` : `environment "${name}": the profile is in no group, and environments belong to groups`,
      );
    }
    return env;
  }
  return envs.find((e) => e.id === group?.activeEnvironmentId);
}

/** Keychain account of a secret variable's value. */
export const environmentSecretAccount = (groupId: string, envId: string, name: string) => `env:${groupId}:${envId}:${name}`;

export interface ResolvedVariables {
  /** The environment the values came from (for messages). */
  envName?: string;
  values: Record<string, string>;
  /** Values of secret variables used, so transcripts can redact them. */
  secretValues: string[];
}

/** Replaces every `{{name}}` in `text`; `field` names where it was, for the error. */
export function substitute(text: string, values: Record<string, string>, field: string, envName?: string): string {
  return text.replace(VARIABLE, (_m, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) throw unresolved(name, field, envName);
    return value;
  });
}

function unresolved(name: string, field: string, envName: string | undefined): WorkbenchError {
  return new WorkbenchError(
    'MISSING_CONFIGURATION',
    envName
      ? `{{${name}}} in ${field} is not defined in environment "${envName}" (or its secret value is not set)`
      : `{{${name}}} in ${field} needs an environment: choose one for the profile's group (CLI: --env NAME)`,
    { details: { variable: name, field } },
  );
}

/**
 * Every string in the profile with its variables replaced, checked again against the profile
 * schema (a URL is only a URL once resolved). The first unresolved variable is an error naming
 * it and the field; nothing is sent.
 */
export function resolveProfileVariables(profile: ConnectionProfile, values: Record<string, string>, envName?: string): ConnectionProfile {
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return hasVariables(value) ? substitute(value, values, path || 'the profile', envName) : value;
    if (Array.isArray(value)) {
      return value.map((v, i) => {
        // Parameter rows read better by name than by index: "params.token[audience]".
        const label = v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string' ? `${path}[${(v as { name: string }).name}]` : `${path}[${i}]`;
        return walk(v, label);
      });
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  // Identity and bookkeeping are not templates.
  const { id, groupId, createdAt, updatedAt, secretRefs, ...rest } = profile;
  const resolved = walk(rest, '') as typeof rest;
  const parsed = ConnectionProfileSchema.safeParse({ ...resolved, id, secretRefs, ...(groupId ? { groupId } : {}), ...(createdAt ? { createdAt } : {}), ...(updatedAt ? { updatedAt } : {}) });
  if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', `after filling in the variables${envName ? ` of "${envName}"` : ''}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Does anything in the profile refer to a variable? (Then a run needs the environment's values.) */
export function profileUsesVariables(profile: ConnectionProfile): boolean {
  return hasVariables(JSON.stringify(profile));
}

/** Plain values of an environment, merged with secret values the caller read from the keychain. */
export function environmentValues(env: Environment | undefined, secretValues: Record<string, string>): ResolvedVariables {
  const values: Record<string, string> = {};
  const secrets: string[] = [];
  for (const v of env?.variables ?? []) {
    if (v.secret) {
      const s = secretValues[v.name];
      if (s !== undefined) {
        values[v.name] = s;
        secrets.push(s);
      }
    } else if (v.value !== undefined) values[v.name] = v.value;
  }
  return { ...(env ? { envName: env.name } : {}), values, secretValues: secrets };
}

/** A group as it may leave the machine: secret variables keep their names, never a value. */
export function withoutSecretValues(group: ConnectionGroup): ConnectionGroup {
  if (!group.environments) return group;
  return { ...group, environments: group.environments.map((e) => ({ ...e, variables: e.variables.map((v) => (v.secret ? { name: v.name, secret: true } : v)) })) };
}
