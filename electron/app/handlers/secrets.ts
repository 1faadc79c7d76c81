import type { SecretName, SecretStatus } from '../../../shared/ipc';
import { SECRET_NAMES } from '../../../shared/ipc';
import { profileSecretAccount } from '../../secrets/secret-store';
import { mask, type ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** A profile's secrets: set, cleared and shown masked; the values stay in the keychain. */
export function secretHandlers(c: ServiceContext): Pick<Handlers, 'getProfileSecrets' | 'setProfileSecret' | 'clearProfileSecret'> {
  const { store, secrets } = c;
  const secretStatus = async (profileId: string, name: SecretName): Promise<SecretStatus> => {
    const value = await secrets.get(profileSecretAccount(profileId, name));
    return value ? { name, set: true, masked: mask(value) } : { name, set: false };
  };
  return {
    getProfileSecrets: async ({ profileId }) => {
      c.profileOrThrow(profileId);
      return Promise.all(SECRET_NAMES.map((n) => secretStatus(profileId, n)));
    },
    setProfileSecret: async ({ profileId, name, value }) => {
      const p = c.profileOrThrow(profileId);
      await secrets.set(profileSecretAccount(profileId, name), value);
      // Saved even when the ref was there: the profile file's change tells other processes (their secret caches) it changed.
      store.saveProfile({ ...p, secretRefs: p.secretRefs.includes(name) ? p.secretRefs : [...p.secretRefs, name] });
      c.emit({ type: 'workspace.changed' });
      return secretStatus(profileId, name);
    },
    clearProfileSecret: async ({ profileId, name }) => {
      const p = c.profileOrThrow(profileId);
      await secrets.delete(profileSecretAccount(profileId, name));
      store.saveProfile({ ...p, secretRefs: p.secretRefs.filter((r) => r !== name) });
      c.emit({ type: 'workspace.changed' });
      return secretStatus(profileId, name);
    },
  };
}
