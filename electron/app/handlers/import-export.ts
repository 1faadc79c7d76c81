import { exportConnections } from '../connections-io';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';
import { applyImportDocument, parseImportJson, planImport } from '../import-plan';
import { confirmImportedProfile, importReviewOf } from '../import-review';
import { discoveryCache } from '../../engine/discovery-cache';

type ImportExportOps = 'exportConnections' | 'previewImport' | 'importConnections' | 'getImportReview' | 'confirmImportedProfile';

/**
 * Connections to and from JSON files, secrets left out. An import is
 * untrusted input (issue 11): previewed as a plan, applied with the user's
 * per-item decisions, its key aliases and claims confirmed before use.
 */
export function importExportHandlers(c: ServiceContext): Pick<Handlers, ImportExportOps> {
  const { store, secrets, history } = c;
  return {
    exportConnections: async ({ groupIds }) => {
      const wanted = groupIds ? new Set(groupIds) : undefined;
      const groups = store.listGroups().filter((g) => !wanted || wanted.has(g.id));
      const profiles = store.listProfiles().filter((p) => !wanted || (p.groupId !== undefined && wanted.has(p.groupId)));
      return { json: exportConnections(groups, profiles), groups: groups.length, profiles: profiles.length };
    },
    previewImport: async ({ json }) => {
      let doc: unknown;
      try {
        doc = parseImportJson(json);
      } catch (err) {
        return { valid: false, problems: [(err as Error).message], groups: [], profiles: [] };
      }
      return planImport(doc, { groups: store.listGroups(), profiles: store.listProfiles() });
    },
    importConnections: async ({ json, source, decisions }) => {
      const report = await applyImportDocument(parseImportJson(json), decisions, {
        store,
        secrets: async () => secrets,
        clearHistory: (profileId) => history.clear(profileId),
        ...(source ? { source } : {}),
      }).finally(() => {
        discoveryCache.invalidate();
        c.emit({ type: 'workspace.changed' });
      });
      if (report.clearedSecrets.length) for (const r of report.clearedSecrets) c.emit({ type: 'history.changed', profileId: r.profileId });
      return report;
    },
    getImportReview: async ({ profileId }) => {
      const p = c.profileOrThrow(profileId);
      return importReviewOf(p, p.groupId ? store.listGroups().find((g) => g.id === p.groupId) : undefined);
    },
    confirmImportedProfile: async ({ profileId, digest }) => {
      const saved = confirmImportedProfile(store, c.profileOrThrow(profileId), digest);
      c.emit({ type: 'workspace.changed' });
      return saved;
    },
  };
}
