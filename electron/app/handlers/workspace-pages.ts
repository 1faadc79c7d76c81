import type { WorkspacePage } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

interface Snapshot {
  id: string;
  /** The store's arrays this snapshot was built from (their items are the store's cached objects). */
  groupsIn: ConnectionGroup[];
  profilesIn: ConnectionProfile[];
  groups: ConnectionGroup[];
  profiles: ConnectionProfile[];
}

/** The store hands out fresh arrays of the same cached objects while the file is unchanged. */
const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The workspace in pages, sorted as the sidebar shows it (issue 12, "instant at scale"): the
 * renderer paints the first page at once instead of parsing and sorting 10,000 profiles before
 * anything shows, and each later page is small enough to never hold its main thread for long.
 * Sorted once per change of the store, here, off the renderer's main thread.
 */
export function workspacePageHandlers(c: ServiceContext): Pick<Handlers, 'listWorkspacePage'> {
  const collator = new Intl.Collator();
  let snap: Snapshot | undefined;
  let counter = 0;
  const snapshot = (): Snapshot => {
    const groupsIn = c.store.listGroups();
    const profilesIn = c.store.listProfiles();
    if (snap && sameItems(snap.groupsIn, groupsIn) && sameItems(snap.profilesIn, profilesIn)) return snap;
    const groups = [...groupsIn].sort((a, b) => collator.compare(a.name, b.name));
    const order = new Map(groups.map((g, i) => [g.id, i]));
    const rank = (p: ConnectionProfile) => (p.groupId !== undefined ? (order.get(p.groupId) ?? groups.length) : groups.length);
    const profiles = [...profilesIn].sort((a, b) => rank(a) - rank(b) || collator.compare(a.name, b.name));
    snap = { id: `${Date.now().toString(36)}-${++counter}`, groupsIn, profilesIn, groups, profiles };
    return snap;
  };
  return {
    listWorkspacePage: async ({ cursor, limit, snapshot: wanted }): Promise<WorkspacePage> => {
      const s = snapshot();
      // The store changed between two pages: the caller starts again from the first.
      const start = wanted !== undefined && wanted !== s.id ? 0 : cursor;
      const end = Math.min(s.profiles.length, start + limit);
      return {
        snapshot: s.id,
        ...(start === 0 ? { groups: s.groups } : {}),
        profiles: s.profiles.slice(start, end),
        total: s.profiles.length,
        ...(end < s.profiles.length ? { next: end } : {}),
      };
    },
  };
}
