import { environmentSecretAccount } from '../../../shared/environments';
import { WorkbenchError } from '../../../shared/errors';
import type { SecretVariableStatus } from '../../../shared/ipc';
import { mask, type ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** Environments (issue 13 §3): secret variable values, set and cleared in the keychain; shown masked. */
export function environmentHandlers(c: ServiceContext): Pick<Handlers, 'getEnvironmentSecrets' | 'setEnvironmentSecret' | 'clearEnvironmentSecret'> {
  const envOrThrow = (groupId: string, envId: string) => {
    const group = c.store.listGroups().find((g) => g.id === groupId);
    if (!group) throw new WorkbenchError('NOT_FOUND', `no group with id ${groupId}`);
    const env = group.environments?.find((e) => e.id === envId);
    if (!env) throw new WorkbenchError('NOT_FOUND', `group "${group.name}" has no environment with id ${envId}`);
    return { group, env };
  };
  const status = async (groupId: string, envId: string, name: string): Promise<SecretVariableStatus> => {
    const value = await c.secrets.get(environmentSecretAccount(groupId, envId, name));
    return value ? { name, set: true, masked: mask(value) } : { name, set: false };
  };
  return {
    getEnvironmentSecrets: async ({ groupId, envId }) => {
      const { env } = envOrThrow(groupId, envId);
      return Promise.all(env.variables.filter((v) => v.secret).map((v) => status(groupId, envId, v.name)));
    },
    setEnvironmentSecret: async ({ groupId, envId, name, value }) => {
      const { env } = envOrThrow(groupId, envId);
      if (!env.variables.some((v) => v.name === name && v.secret))
        throw new WorkbenchError('NOT_FOUND', `environment "${env.name}" has no secret variable "${name}" — add it as secret first`);
      await c.secrets.set(environmentSecretAccount(groupId, envId, name), value);
      return status(groupId, envId, name);
    },
    clearEnvironmentSecret: async ({ groupId, envId, name }) => {
      envOrThrow(groupId, envId);
      await c.secrets.delete(environmentSecretAccount(groupId, envId, name));
      return status(groupId, envId, name);
    },
  };
}
