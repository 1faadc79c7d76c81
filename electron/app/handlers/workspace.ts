import { SECRET_NAMES } from '../../../shared/ipc';
import { discoveryCache } from '../../engine/discovery-cache';
import { profileSecretAccount } from '../../secrets/secret-store';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

type WorkspaceOps = 'listWorkspace' | 'saveGroup' | 'deleteGroup' | 'saveProfile' | 'deleteProfile' | 'duplicateProfile' | 'moveProfile';

/** Groups and profiles: the workspace as the sidebar and the request panel edit it. */
export function workspaceHandlers(c: ServiceContext): Pick<Handlers, WorkspaceOps> {
  const { store, secrets, history } = c;
  return {
    listWorkspace: async () => ({ groups: store.listGroups(), profiles: store.listProfiles() }),
    saveGroup: async (input) => {
      const g = store.saveGroup(input);
      // A group's defaults (issuer, proxy, CA) change what its profiles discover.
      discoveryCache.invalidate();
      c.emit({ type: 'workspace.changed' });
      return g;
    },
    deleteGroup: async ({ groupId }) => {
      store.deleteGroup(groupId);
      c.emit({ type: 'workspace.changed' });
    },
    saveProfile: async (input) => {
      // secretRefs say which keychain items exist; only the secret operations change them.
      const existing = input.id ? store.listProfiles().find((p) => p.id === input.id) : undefined;
      // Import trust (issue 11): only an import sets `imported` and only confirmImportedProfile confirms it;
      // a save from the form keeps what the store has (saving is not reviewing).
      const saved = store.saveProfile({ ...input, secretRefs: existing?.secretRefs ?? [], imported: existing?.imported });
      // An edit is often a reaction to a server change: the next run discovers afresh.
      discoveryCache.invalidate();
      c.emit({ type: 'workspace.changed' });
      return saved;
    },
    deleteProfile: async ({ profileId }) => {
      c.profileOrThrow(profileId);
      store.deleteProfile(profileId);
      for (const name of SECRET_NAMES) await secrets.delete(profileSecretAccount(profileId, name));
      await history.clear(profileId);
      c.emit({ type: 'workspace.changed' });
      c.emit({ type: 'history.changed', profileId });
    },
    duplicateProfile: async ({ profileId }) => {
      const source = c.profileOrThrow(profileId);
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = source;
      const taken = new Set(store.listProfiles().filter((p) => p.groupId === source.groupId).map((p) => p.name));
      let name = `${source.name} (copy)`;
      for (let i = 2; taken.has(name); i++) name = `${source.name} (copy ${i})`;
      const copy = store.saveProfile({ ...rest, name });
      for (const ref of source.secretRefs) {
        const value = await secrets.get(profileSecretAccount(source.id, ref));
        if (value) await secrets.set(profileSecretAccount(copy.id, ref), value);
      }
      c.emit({ type: 'workspace.changed' });
      return copy;
    },
    moveProfile: async ({ profileId, groupId }) => {
      const p = c.profileOrThrow(profileId);
      const moved = store.saveProfile({ ...p, groupId: groupId ?? undefined });
      c.emit({ type: 'workspace.changed' });
      return moved;
    },
  };
}
