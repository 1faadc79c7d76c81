import type { Workspace } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';

/** A row of the sidebar's tree: a group (with how many of its profiles show) or a profile. */
export type GroupRow = { kind: 'group'; group: ConnectionGroup | null; count: number; collapsed: boolean };
export type ProfileRow = { kind: 'profile'; profile: ConnectionProfile };
export type Row = GroupRow | ProfileRow;

interface Section {
  group: ConnectionGroup | null;
  /** The group's id, '-' for Ungrouped (the key of `collapsed`). */
  key: string;
  groupName: string;
  profiles: ConnectionProfile[];
  /** Lower-cased search text of each profile, same order. */
  search: string[];
}

/** Which profiles of a section match a needle: all of them (the group's name matches), or these positions. */
type SectionMatch = 'all' | number[];

/** How many filter results an index keeps: typing and deleting a word revisits each prefix. */
const KEPT_MATCHES = 32;

/**
 * The sidebar's view of a workspace at 10,000 profiles (issue 12, "instant at scale"): sections in
 * display order, each with its profiles' search text. Built page by page as the workspace streams in
 * (`append` copies only the sections a page touches, so the whole load is linear, not quadratic),
 * and filtered without a full scan per keystroke: a needle containing an earlier one (the user typed
 * on) is looked for only among that one's matches, and a needle seen before (the user deleted back
 * to it) is answered from the kept results. Row objects are made once per profile, so a new list of
 * rows for a keystroke is an array of pointers.
 */
export class WorkspaceIndex {
  private readonly matches = new Map<string, SectionMatch[]>();

  private constructor(
    private readonly sections: Section[],
    private readonly sectionOf: Map<string, number>,
    /** Profiles in the index. */
    readonly size: number,
  ) {}

  /** Sections for these groups (in this order, Ungrouped last), no profiles yet. */
  static of(groups: readonly ConnectionGroup[]): WorkspaceIndex {
    const sections: Section[] = [...groups, null].map((group) => ({ group, key: group?.id ?? '-', groupName: (group?.name ?? 'ungrouped').toLowerCase(), profiles: [], search: [] }));
    return new WorkspaceIndex(sections, new Map(sections.map((s, i) => [s.key, i])), 0);
  }

  /** The index of a workspace: the one registered with it (built as it streamed in), else built now. */
  static forWorkspace(ws: Workspace): WorkspaceIndex {
    let index = registered.get(ws);
    if (!index) registered.set(ws, (index = WorkspaceIndex.of(ws.groups).append(ws.profiles)));
    return index;
  }

  /** Tells `forWorkspace` that this index was built for this workspace. */
  register(ws: Workspace): Workspace {
    registered.set(ws, this);
    return ws;
  }

  /** A new index with these profiles after the ones it has (pages arrive in display order). */
  append(profiles: readonly ConnectionProfile[]): WorkspaceIndex {
    if (profiles.length === 0) return this;
    const sections = this.sections.slice();
    const copied = new Set<number>();
    const ungrouped = this.sectionOf.get('-') as number;
    for (const p of profiles) {
      const at = (p.groupId !== undefined ? this.sectionOf.get(p.groupId) : undefined) ?? ungrouped;
      let section = sections[at] as Section;
      if (!copied.has(at)) {
        copied.add(at);
        section = sections[at] = { ...section, profiles: section.profiles.slice(), search: section.search.slice() };
      }
      section.profiles.push(p);
      section.search.push(searchText(p));
    }
    return new WorkspaceIndex(sections, this.sectionOf, this.size + profiles.length);
  }

  /**
   * The rows the tree shows for a filter: every group (Ungrouped only when it has profiles) with its
   * profiles unless collapsed; while filtering, only groups with matches (or whose name matches),
   * all open. `matchCount` counts the profile rows a filter leaves.
   */
  rows(filter: string, collapsed: ReadonlySet<string>): { rows: Row[]; matchCount: number } {
    const needle = filter.trim().toLowerCase();
    const rows: Row[] = [];
    let matchCount = 0;
    const found = needle === '' ? undefined : this.match(needle);
    this.sections.forEach((s, i) => {
      if (s.group === null && s.profiles.length === 0) return;
      const m = found?.[i];
      if (!found) {
        const isCollapsed = collapsed.has(s.key);
        rows.push({ kind: 'group', group: s.group, count: s.profiles.length, collapsed: isCollapsed });
        if (!isCollapsed) for (const p of s.profiles) rows.push(rowOf(p));
        matchCount += s.profiles.length;
        return;
      }
      if (m === 'all') {
        rows.push({ kind: 'group', group: s.group, count: s.profiles.length, collapsed: false });
        for (const p of s.profiles) rows.push(rowOf(p));
        matchCount += s.profiles.length;
      } else if (m && m.length > 0) {
        rows.push({ kind: 'group', group: s.group, count: m.length, collapsed: false });
        for (const j of m) rows.push(rowOf(s.profiles[j] as ConnectionProfile));
        matchCount += m.length;
      }
    });
    return { rows, matchCount };
  }

  /** Matches of a lower-cased, non-empty needle, narrowed from the longest kept needle it contains. */
  private match(needle: string): SectionMatch[] {
    const kept = this.matches.get(needle);
    if (kept) {
      // Most recently used last, so the oldest is the one to forget.
      this.matches.delete(needle);
      this.matches.set(needle, kept);
      return kept;
    }
    let base: SectionMatch[] | undefined;
    let baseLength = 0;
    for (const [k, v] of this.matches)
      if (k.length > baseLength && needle.includes(k)) {
        base = v;
        baseLength = k.length;
      }
    const result = this.sections.map((s, i): SectionMatch => {
      if (s.groupName.includes(needle)) return 'all';
      const from = base?.[i];
      const out: number[] = [];
      if (from === undefined || from === 'all') {
        for (let j = 0; j < s.search.length; j++) if ((s.search[j] as string).includes(needle)) out.push(j);
      } else for (const j of from) if ((s.search[j] as string).includes(needle)) out.push(j);
      return out;
    });
    this.matches.set(needle, result);
    if (this.matches.size > KEPT_MATCHES) this.matches.delete(this.matches.keys().next().value as string);
    return result;
  }
}

const registered = new WeakMap<Workspace, WorkspaceIndex>();

/** Profiles are immutable snapshots: each one's row and search text are made once, however often the list is rebuilt. */
const profileRows = new WeakMap<ConnectionProfile, ProfileRow>();
function rowOf(p: ConnectionProfile): ProfileRow {
  let row = profileRows.get(p);
  if (!row) profileRows.set(p, (row = { kind: 'profile', profile: p }));
  return row;
}

/** Name, client ID and issuer, lower-cased, separated so a needle cannot match across two of them. */
function searchText(p: ConnectionProfile): string {
  return `${p.name.toLowerCase()}\u0000${p.clientId.toLowerCase()}\u0000${(p.issuer ?? '').toLowerCase()}`;
}
