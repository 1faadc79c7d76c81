import type { SecretName } from '../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../shared/profile';

export const EXPORT_FORMAT = 'tokenbench-connections';
export const EXPORT_VERSION = 1;

/** What an exported secret looks like: obviously not a secret, and greppable in a repo. */
export const placeholderFor = (name: SecretName) => `<set ${name} in Token Workbench>`;

/**
 * Groups and profiles as the document a team can keep in git (and the one
 * importers of other formats produce). Profiles never hold secret values; the
 * names of the secrets they use are written as placeholders so whoever
 * imports knows what to fill in. Import bookkeeping stays home: whoever
 * imports the file confirms its key aliases and claims for themselves.
 */
export function exportDocument(groups: ConnectionGroup[], profiles: ConnectionProfile[]) {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    groups,
    profiles: profiles.map(({ createdAt: _c, updatedAt: _u, imported: _i, secretRefs, ...rest }) => ({
      ...rest,
      secretRefs,
      secrets: Object.fromEntries(secretRefs.map((name) => [name, placeholderFor(name)])),
    })),
  };
}

export function exportConnections(groups: ConnectionGroup[], profiles: ConnectionProfile[]): string {
  return `${JSON.stringify(exportDocument(groups, profiles), null, 2)}\n`;
}
