import { environmentSecretAccount, environmentValues, profileUsesVariables, resolveProfileVariables, selectEnvironment, type ResolvedVariables } from '../../shared/environments';
import type { ConnectionGroup, ConnectionProfile, Environment } from '../../shared/profile';
import type { SecretStore } from '../secrets/secret-store';

export interface ProfileInEnvironment {
  profile: ConnectionProfile;
  environment?: Environment;
  /** Present when an environment applies: its values (secret ones read from the keychain) for secrets and redaction. */
  variables?: ResolvedVariables;
}

/**
 * The profile as a run sends it: `{{name}}` replaced by the values of the group's active environment
 * (or the one named, CLI `--env`). Secret variables are read from the keychain only when an
 * environment applies. An unresolved variable throws before anything is sent.
 */
export async function applyEnvironment(
  profile: ConnectionProfile,
  groups: ConnectionGroup[],
  secrets: SecretStore | (() => Promise<SecretStore>) | undefined,
  envName?: string,
): Promise<ProfileInEnvironment> {
  const group = profile.groupId ? groups.find((g) => g.id === profile.groupId) : undefined;
  const environment = selectEnvironment(group, envName);
  if (!environment) {
    // No environment: a profile without variables runs as it is; one with variables fails, naming the first.
    return profileUsesVariables(profile) ? { profile: resolveProfileVariables(profile, {}) } : { profile };
  }
  const secretValues: Record<string, string> = {};
  const secretVars = environment.variables.filter((v) => v.secret);
  if (secretVars.length && group) {
    const store = typeof secrets === 'function' ? await secrets() : secrets;
    if (store) {
      for (const v of secretVars) {
        const value = await store.get(environmentSecretAccount(group.id, environment.id, v.name));
        if (value !== undefined) secretValues[v.name] = value;
      }
    }
  }
  const variables = environmentValues(environment, secretValues);
  return { profile: resolveProfileVariables(profile, variables.values, environment.name), environment, variables };
}
