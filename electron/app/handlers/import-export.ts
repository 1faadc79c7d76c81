import type { SecretName } from '../../../shared/ipc';
import { profileSecretAccount } from '../../secrets/secret-store';
import { exportConnections, parseImport } from '../connections-io';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** Connections to and from JSON files, secrets left out. */
export function importExportHandlers(c: ServiceContext): Pick<Handlers, 'exportConnections' | 'importConnections'> {
  const { store, secrets } = c;
  return {
    exportConnections: async ({ groupIds }) => {
      const wanted = groupIds ? new Set(groupIds) : undefined;
      const groups = store.listGroups().filter((g) => !wanted || wanted.has(g.id));
      const profiles = store.listProfiles().filter((p) => !wanted || (p.groupId !== undefined && wanted.has(p.groupId)));
      return { json: exportConnections(groups, profiles), groups: groups.length, profiles: profiles.length };
    },
    importConnections: async ({ json }) => {
      const parsed = parseImport(json);
      for (const g of parsed.groups) store.saveGroup(g);
      const needSecrets: Array<{ profileId: string; name: string; secrets: SecretName[] }> = [];
      for (const { profile, secrets: given } of parsed.profiles) {
        const { createdAt: _c, updatedAt: _u, ...input } = profile;
        const filled = Object.keys(given) as SecretName[];
        for (const name of filled) await secrets.set(profileSecretAccount(profile.id, name), given[name] as string);
        const saved = store.saveProfile(input);
        const missing: SecretName[] = [];
        for (const ref of saved.secretRefs) if (!(await secrets.get(profileSecretAccount(saved.id, ref)))) missing.push(ref);
        if (missing.length) needSecrets.push({ profileId: saved.id, name: saved.name, secrets: missing });
      }
      c.emit({ type: 'workspace.changed' });
      return { groups: parsed.groups.length, profiles: parsed.profiles.length, needSecrets };
    },
  };
}
