import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { AppInfo, Workspace } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';
import { call } from '../api';
import { fieldErrorsByName } from '../lib/dialog-errors';
import { GRANT_LABELS } from '../lib/profile-rules';
import { dropSession, useUnsavedProfileIds } from '../lib/session-store';
import { WorkspaceIndex, type Row } from '../lib/workspace-index';
import { ConfirmDialog, FormDialog, Menu } from './Dialogs';
import { ErrorBox } from './ErrorBox';
import { PresetDialog } from './PresetDialog';
import { ThemeSwitch } from './ShellBits';
import { VirtualList } from './VirtualList';

export type Selection = { kind: 'profile'; id: string } | { kind: 'inspector' } | { kind: 'keystore' } | { kind: 'history' } | { kind: 'io' } | null;


type Dialog =
  | { kind: 'newGroup' }
  | { kind: 'newProfile'; groupId?: string }
  | { kind: 'newFromPreset'; groupId?: string }
  | { kind: 'renameGroup'; group: ConnectionGroup }
  | { kind: 'groupDefaults'; group: ConnectionGroup }
  | { kind: 'deleteGroup'; group: ConnectionGroup; count: number }
  | { kind: 'renameProfile'; profile: ConnectionProfile }
  | { kind: 'moveProfile'; profile: ConnectionProfile }
  | { kind: 'deleteProfile'; profile: ConnectionProfile };

const ROW_HEIGHT = 28;
const NAV = [
  ['inspector', 'Inspector'],
  ['keystore', 'Keystore'],
  ['history', 'History'],
  ['io', 'Import/Export'],
] as const;
const keyOf = (row: Row) => (row.kind === 'group' ? `g:${row.group?.id ?? '-'}` : `p:${row.profile.id}`);
/** The position of the row with this key, without making a key string per row (10,000 rows, every render). */
function findByKey(rows: Row[], key: string): number {
  const id = key.slice(2);
  if (key.startsWith('p:')) return rows.findIndex((r) => r.kind === 'profile' && r.profile.id === id);
  return rows.findIndex((r) => r.kind === 'group' && (r.group?.id ?? '-') === id);
}
/** DOM ids of tree rows (for aria-activedescendant and focus); ids are profile/group ids, safe in an id. */
const rowId = (row: Row) => (row.kind === 'group' ? `tree-g-${row.group?.id ?? 'ungrouped'}` : `tree-p-${row.profile.id}`);
const SHORT_GRANT: Record<string, string> = {
  authorization_code: 'code',
  client_credentials: 'cc',
  refresh_token: 'refresh',
  password: 'ropc',
  implicit: 'implicit',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'jwt',
  'urn:ietf:params:oauth:grant-type:saml2-bearer': 'saml',
  'urn:ietf:params:oauth:grant-type:device_code': 'device',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'exchange',
  'urn:openid:params:grant-type:ciba': 'ciba',
};

/** Connection groups and their profiles: filter, create, rename, duplicate, move, delete. */
export function Sidebar(props: { workspace: Workspace; selection: Selection; onSelect: (s: Selection) => void; reload: () => Promise<void>; filterRef: RefObject<HTMLInputElement | null> }) {
  const { workspace, selection } = props;
  // Profiles with unsaved edits are marked in the list (issue 12); their drafts live in the session store.
  const unsaved = useUnsavedProfileIds();
  const [filter, setFilter] = useState('');
  // Filtering narrows the previous keystroke's matches in a per-workspace index (lib/workspace-index),
  // well under a millisecond at 10,000 profiles, so the list follows each keystroke in the same frame.
  // A deferred value made the list lag a frame or more behind the input (bench/ui: keystroke to
  // filtered list painted).
  const deferredFilter = filter;
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [dialogError, setDialogError] = useState<unknown>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; row: Row } | null>(null);
  const [toast, setToast] = useState<string | null>(null);

  const { rows, matchCount } = useMemo(() => WorkspaceIndex.forWorkspace(workspace).rows(deferredFilter, collapsed), [workspace, deferredFilter, collapsed]);
  const selectedIndex = selection?.kind === 'profile' ? rows.findIndex((r) => r.kind === 'profile' && r.profile.id === selection.id) : -1;
  // The row keyboard focus is on (roving tabindex), kept by key so filtering does not move it to another profile.
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [filterHasFocus, setFilterHasFocus] = useState(false);
  const keyedIndex = activeKey ? findByKey(rows, activeKey) : -1;
  const firstProfile = rows.findIndex((r) => r.kind === 'profile');
  const activeIndex = keyedIndex >= 0 ? keyedIndex : selectedIndex >= 0 ? selectedIndex : filterHasFocus && firstProfile >= 0 ? firstProfile : rows.length ? 0 : -1;
  const activeRow = activeIndex >= 0 ? rows[activeIndex] : undefined;
  const focusRow = useRef(false);
  useEffect(() => {
    if (!focusRow.current) return;
    focusRow.current = false;
    if (activeRow) document.getElementById(rowId(activeRow))?.focus();
  });

  const toggleGroup = (row: Extract<Row, { kind: 'group' }>, open?: boolean) => {
    const id = row.group?.id ?? '-';
    const next = new Set(collapsed);
    if (open ?? next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  const moveTo = (index: number, focus: boolean) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    setActiveKey(keyOf(row));
    focusRow.current = focus;
  };
  const openMenuAt = (row: Row) => {
    const rect = document.getElementById(rowId(row))?.getBoundingClientRect();
    setMenu({ x: rect ? rect.left + 40 : 40, y: rect ? rect.bottom : 100, row });
  };
  /** The tree's keys (WAI-ARIA tree pattern): arrows move and open/close groups, Enter opens, Shift+F10 or the menu key opens the row's menu. */
  const onTreeKey = (e: React.KeyboardEvent) => {
    if (!(e.target instanceof HTMLElement) || e.target.getAttribute('role') !== 'treeitem' || !activeRow) return;
    const key = e.key;
    if (key === 'ArrowDown') moveTo(activeIndex + 1, true);
    else if (key === 'ArrowUp') moveTo(activeIndex - 1, true);
    else if (key === 'Home') moveTo(0, true);
    else if (key === 'End') moveTo(rows.length - 1, true);
    else if (key === 'PageDown') moveTo(activeIndex + 10, true);
    else if (key === 'PageUp') moveTo(activeIndex - 10, true);
    else if (key === 'ArrowRight' && activeRow.kind === 'group') {
      if (activeRow.collapsed) toggleGroup(activeRow, true);
      else moveTo(activeIndex + 1, true);
    } else if (key === 'ArrowLeft') {
      if (activeRow.kind === 'group') {
        if (!activeRow.collapsed) toggleGroup(activeRow, false);
      } else {
        for (let i = activeIndex - 1; i >= 0; i--) if (rows[i]?.kind === 'group') return moveTo(i, true), e.preventDefault();
      }
    } else if (key === 'Enter' || key === ' ') {
      if (activeRow.kind === 'group') toggleGroup(activeRow);
      else props.onSelect({ kind: 'profile', id: activeRow.profile.id });
    } else if (key === 'ContextMenu' || (key === 'F10' && e.shiftKey)) openMenuAt(activeRow);
    else if (key === 'Delete' && activeRow.kind === 'profile') setDialog({ kind: 'deleteProfile', profile: activeRow.profile });
    else if (key === 'F2' && activeRow.kind === 'profile') setDialog({ kind: 'renameProfile', profile: activeRow.profile });
    else return;
    e.preventDefault();
  };
  /** In the filter, ArrowDown/ArrowUp move through the matching profiles and Enter opens the highlighted one. */
  const onFilterKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const profileIndexes = (from: number, step: 1 | -1) => {
      for (let i = from + step; i >= 0 && i < rows.length; i += step) if (rows[i]?.kind === 'profile') return i;
      return -1;
    };
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const next = profileIndexes(activeRow?.kind === 'profile' ? activeIndex : e.key === 'ArrowDown' ? -1 : rows.length, e.key === 'ArrowDown' ? 1 : -1);
      if (next >= 0) moveTo(next, false);
      e.preventDefault();
    } else if (e.key === 'Enter') {
      const target = activeRow?.kind === 'profile' ? activeRow : rows[firstProfile];
      if (target?.kind === 'profile') props.onSelect({ kind: 'profile', id: target.profile.id });
      e.preventDefault();
    } else if (e.key === 'Escape' && filter) {
      setFilter('');
      e.preventDefault();
    }
  };

  const closeDialog = () => {
    setDialog(null);
    setDialogError(null);
  };
  const run = async (work: () => Promise<unknown>, message?: string) => {
    try {
      await work();
      await props.reload();
      closeDialog();
      if (message) {
        setToast(message);
        setTimeout(() => setToast(null), 4000);
      }
    } catch (err) {
      setDialogError(err);
    }
  };

  const groupOptions = [{ value: '', label: '(no group)' }, ...workspace.groups.map((g) => ({ value: g.id, label: g.name }))];

  const menuItems = (row: Row) => {
    if (row.kind === 'group') {
      const g = row.group;
      if (!g) return [{ label: 'New profile here', onSelect: () => setDialog({ kind: 'newProfile' }) }];
      return [
        { label: 'New profile here', onSelect: () => setDialog({ kind: 'newProfile', groupId: g.id }) },
        { label: 'New profile from preset…', onSelect: () => setDialog({ kind: 'newFromPreset', groupId: g.id }) },
        { label: 'Rename…', onSelect: () => setDialog({ kind: 'renameGroup', group: g }) },
        { label: 'Shared defaults…', onSelect: () => setDialog({ kind: 'groupDefaults', group: g }) },
        { label: 'Delete group…', danger: true, onSelect: () => setDialog({ kind: 'deleteGroup', group: g, count: row.count }) },
      ];
    }
    const p = row.profile;
    return [
      { label: 'Open', onSelect: () => props.onSelect({ kind: 'profile', id: p.id }) },
      { label: 'Rename…', onSelect: () => setDialog({ kind: 'renameProfile', profile: p }) },
      {
        label: 'Duplicate',
        onSelect: () =>
          void run(async () => {
            const copy = await call('duplicateProfile', { profileId: p.id });
            props.onSelect({ kind: 'profile', id: copy.id });
          }, `Duplicated "${p.name}"`),
      },
      { label: 'Move to group…', onSelect: () => setDialog({ kind: 'moveProfile', profile: p }) },
      { label: 'Delete…', danger: true, onSelect: () => setDialog({ kind: 'deleteProfile', profile: p }) },
    ];
  };

  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <h1 className="brand">
          <img src="./icon.svg" alt="" width={18} height={18} /> Token Workbench
        </h1>
        <nav className="nav" aria-label="Screens">
          {NAV.map(([kind, label]) => (
            <button key={kind} aria-current={selection?.kind === kind ? 'page' : undefined} className={selection?.kind === kind ? 'active' : ''} onClick={() => props.onSelect({ kind })}>
              {label}
            </button>
          ))}
        </nav>
        <input
          ref={props.filterRef}
          type="search"
          aria-label="Filter profiles"
          aria-controls="profile-tree"
          aria-activedescendant={filterHasFocus && activeRow ? rowId(activeRow) : undefined}
          placeholder="Filter profiles  (Ctrl+K)"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setActiveKey(null);
          }}
          onKeyDown={onFilterKey}
          onFocus={() => setFilterHasFocus(true)}
          onBlur={() => setFilterHasFocus(false)}
        />
        <div className="row wrap">
          <button onClick={() => setDialog({ kind: 'newGroup' })}>+ Group</button>
          <button onClick={() => setDialog({ kind: 'newProfile' })}>+ Profile</button>
          <button onClick={() => setDialog({ kind: 'newFromPreset' })} title="New profile from a provider preset (Entra ID, Okta, Auth0, …)" aria-label="New profile from preset">
            + Preset
          </button>
          <span className="spacer" />
          {/* data-filter names the filter the rendered list reflects: benchmarks and tests wait on it. */}
          <span className="muted" data-testid="profile-count" data-filter={deferredFilter}>
            {deferredFilter ? `${matchCount} of ${workspace.profiles.length}` : `${workspace.profiles.length} profiles`}
          </span>
        </div>
      </div>
      {rows.length === 0 ? (
        <div className="empty">{workspace.profiles.length === 0 && workspace.groups.length === 0 ? 'No connections yet. Create a group, then a profile.' : 'No profile matches the filter.'}</div>
      ) : (
        <VirtualList
          id="profile-tree"
          label="Connection groups and profiles"
          items={rows}
          rowHeight={ROW_HEIGHT}
          scrollToIndex={activeIndex}
          keepIndex={activeIndex}
          onKeyDown={onTreeKey}
          // Rows are keyed by position, not by profile: a keystroke in the filter (or a scroll) updates
          // the few dozen row elements in place instead of replacing them (bench/ui, issue 12).
          renderRow={(row, i, style) => {
            const active = i === activeIndex;
            const highlighted = active && filterHasFocus;
            const common = {
              id: rowId(row),
              style,
              role: 'treeitem',
              tabIndex: active ? 0 : -1,
              'data-row-index': i,
              onFocus: () => setActiveKey(keyOf(row)),
              onContextMenu: (e: React.MouseEvent) => {
                e.preventDefault();
                setMenu({ x: e.clientX, y: e.clientY, row });
              },
            };
            return row.kind === 'group' ? (
              <div
                key={i}
                {...common}
                className={`vrow group${highlighted ? ' highlighted' : ''}`}
                aria-level={1}
                aria-expanded={!row.collapsed}
                data-testid="group-row"
                onClick={() => toggleGroup(row)}
              >
                <span aria-hidden="true">{row.collapsed ? '▸' : '▾'}</span>
                <span className="name">{row.group?.name ?? 'Ungrouped'}</span>
                <span className="badge">{row.count}</span>
                <button className="icon" tabIndex={-1} aria-label={`Actions for group ${row.group?.name ?? 'Ungrouped'}`} onClick={(e) => (e.stopPropagation(), setMenu({ x: e.clientX, y: e.clientY, row }))}>
                  ⋯
                </button>
              </div>
            ) : (
              <div
                key={i}
                {...common}
                className={`vrow profile${selection?.kind === 'profile' && selection.id === row.profile.id ? ' selected' : ''}${highlighted ? ' highlighted' : ''}`}
                aria-level={2}
                aria-selected={selection?.kind === 'profile' && selection.id === row.profile.id}
                data-testid="profile-row"
                title={GRANT_LABELS[row.profile.grantType]}
                onClick={() => props.onSelect({ kind: 'profile', id: row.profile.id })}
              >
                <span className="name">{row.profile.name}</span>
                {unsaved.has(row.profile.id) ? (
                  <span className="unsaved-mark" data-testid="unsaved-mark" role="img" aria-label="unsaved changes" title="unsaved changes">
                    ●
                  </span>
                ) : null}
                <span className="badge">{SHORT_GRANT[row.profile.grantType] ?? ''}</span>
                <button className="icon" tabIndex={-1} aria-label={`Actions for ${row.profile.name}`} onClick={(e) => (e.stopPropagation(), setMenu({ x: e.clientX, y: e.clientY, row }))}>
                  ⋯
                </button>
              </div>
            );
          }}
        />
      )}
      <AppFooter />
      {menu ? <Menu x={menu.x} y={menu.y} items={menuItems(menu.row)} onClose={() => setMenu(null)} /> : null}
      {toast ? (
        <div className="toast" role="status">
          {toast}
        </div>
      ) : null}

      {dialog?.kind === 'newGroup' ? (
        <FormDialog
          title="New connection group"
          submitLabel="Create group"
          fields={[
            { name: 'name', label: 'Name', placeholder: 'e.g. Okta staging', required: true },
            { name: 'issuer', label: 'Default issuer (optional)', placeholder: 'https://login.example.com' },
          ]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('saveGroup', { name: v.name ?? '', defaults: v.issuer?.trim() ? { issuer: v.issuer.trim() } : {} }))}
        />
      ) : null}
      {dialog?.kind === 'newFromPreset' ? (
        <PresetDialog
          groups={workspace.groups}
          {...(dialog.groupId ? { groupId: dialog.groupId } : {})}
          onCancel={closeDialog}
          onCreated={(p, notes) => {
            closeDialog();
            void props.reload().then(() => props.onSelect({ kind: 'profile', id: p.id }));
            if (notes.length) {
              setToast(`Preset applied: ${notes.join('; ')}`);
              setTimeout(() => setToast(null), 8000);
            }
          }}
        />
      ) : null}
      {dialog?.kind === 'newProfile' ? (
        <FormDialog
          title="New connection profile"
          submitLabel="Create profile"
          fields={[
            { name: 'name', label: 'Name', placeholder: 'e.g. Orders API (service)', required: true },
            { name: 'groupId', label: 'Group', value: dialog.groupId ?? workspace.groups[0]?.id ?? '', options: groupOptions },
            {
              name: 'grantType',
              label: 'Grant type',
              value: 'client_credentials',
              options: Object.entries(GRANT_LABELS).map(([value, label]) => ({ value, label })),
            },
          ]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) =>
            run(async () => {
              const p = await call('saveProfile', {
                name: v.name ?? '',
                ...(v.groupId ? { groupId: v.groupId } : {}),
                grantType: (v.grantType ?? 'client_credentials') as ConnectionProfile['grantType'],
              });
              props.onSelect({ kind: 'profile', id: p.id });
            })
          }
        />
      ) : null}
      {dialog?.kind === 'renameGroup' ? (
        <FormDialog
          title="Rename group"
          submitLabel="Rename"
          fields={[{ name: 'name', label: 'Name', value: dialog.group.name, required: true }]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('saveGroup', { ...dialog.group, name: v.name ?? '' }))}
        />
      ) : null}
      {dialog?.kind === 'groupDefaults' ? (
        <FormDialog
          title={`Shared defaults of ${dialog.group.name}`}
          submitLabel="Save defaults"
          fields={[
            { name: 'issuer', label: 'Issuer', value: dialog.group.defaults.issuer ?? '', placeholder: 'https://login.example.com' },
            { name: 'proxy', label: 'Proxy', value: dialog.group.defaults.network?.proxy ?? '', placeholder: 'http://proxy:3128' },
            { name: 'caFile', label: 'CA bundle file (PEM path)', value: dialog.group.defaults.network?.caFile ?? '' },
          ]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) =>
            run(() =>
              call('saveGroup', {
                ...dialog.group,
                defaults: {
                  ...(v.issuer?.trim() ? { issuer: v.issuer.trim() } : {}),
                  network: { ...(v.proxy?.trim() ? { proxy: v.proxy.trim() } : {}), ...(v.caFile?.trim() ? { caFile: v.caFile.trim() } : {}) },
                },
              }),
            )
          }
        />
      ) : null}
      {dialog?.kind === 'deleteGroup' ? (
        <ConfirmDialog
          title={`Delete group "${dialog.group.name}"?`}
          message={`Its ${dialog.count} profile(s) are kept and move to Ungrouped.`}
          confirmLabel="Delete group"
          danger
          onCancel={closeDialog}
          onConfirm={() => void run(() => call('deleteGroup', { groupId: dialog.group.id }), `Deleted group "${dialog.group.name}"`)}
        />
      ) : null}
      {dialog?.kind === 'renameProfile' ? (
        <FormDialog
          title="Rename profile"
          submitLabel="Rename"
          fields={[{ name: 'name', label: 'Name', value: dialog.profile.name, required: true }]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('saveProfile', stripTimes({ ...dialog.profile, name: v.name ?? '' })))}
        />
      ) : null}
      {dialog?.kind === 'moveProfile' ? (
        <FormDialog
          title={`Move "${dialog.profile.name}"`}
          submitLabel="Move"
          fields={[{ name: 'groupId', label: 'To group', value: dialog.profile.groupId ?? '', options: groupOptions }]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('moveProfile', { profileId: dialog.profile.id, groupId: v.groupId || null }))}
        />
      ) : null}
      {dialog?.kind === 'deleteProfile' ? (
        <ConfirmDialog
          title={`Delete "${dialog.profile.name}"?`}
          message="The profile, its secrets in the keychain and its token history are removed."
          confirmLabel="Delete profile"
          danger
          onCancel={closeDialog}
          onConfirm={() =>
            void run(async () => {
              await call('deleteProfile', { profileId: dialog.profile.id });
              dropSession(dialog.profile.id);
              if (selection?.kind === 'profile' && selection.id === dialog.profile.id) props.onSelect(null);
            }, `Deleted "${dialog.profile.name}"`)
          }
        />
      ) : null}
    </aside>
  );
}

/** Where the data lives and which transport this window uses (desktop IPC or the browser bridge). */
function AppFooter() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void call('appInfo', {}).then(setInfo, () => undefined);
  }, []);
  return (
    <div className="sidebar-foot">
      <span className="muted grow" title={info?.dataDir}>
        {info ? `v${info.version} · ${info.mode === 'web' ? 'browser mode' : 'desktop'} · ${info.platform}` : ''}
      </span>
      <ThemeSwitch />
      <button className="icon" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => window.dispatchEvent(new Event('tokenbench:shortcuts'))}>
        ?
      </button>
    </div>
  );
}

export function stripTimes(p: ConnectionProfile) {
  const { createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
}
