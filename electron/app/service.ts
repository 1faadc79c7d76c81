import type { WorkbenchEvent } from '../../shared/ipc';
import { closeSharedConnections } from '../engine/http';
import { ProfileStore } from '../storage/profile-store';
import { createServiceContext, type AppServiceOptions } from './context';
import type { Handlers } from './dispatch';
import { apiHandlers } from './handlers/api';
import { historyHandlers } from './handlers/history';
import { importExportHandlers } from './handlers/import-export';
import { inspectorHandlers } from './handlers/inspector';
import { keystoreHandlers } from './handlers/keystore';
import { runHandlers } from './handlers/runs';
import { registrationHandlers } from './handlers/registration';
import { secretHandlers } from './handlers/secrets';
import { sessionHandlers } from './handlers/session';
import { tokenHandlers } from './handlers/tokens';
import { workspaceHandlers } from './handlers/workspace';
import { conversionHandlers } from './handlers/conversions';
import { environmentHandlers } from './handlers/environments';
import { presetHandlers } from './handlers/presets';
import { workspacePageHandlers } from './handlers/workspace-pages';
import { preferenceHandlers } from './handlers/preferences';
import { dataNotices } from '../storage/damaged-files';
import { HistoryStore } from './history';
import { cachedSecretStore } from './secret-cache';
import { RedirectBroker } from './redirects';

export type { AppServiceOptions } from './context';

export interface AppService {
  handlers: Handlers;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
  /** A private-use scheme redirect delivered by the OS (desktop only). */
  deliverRedirect(url: string): boolean;
  /** Private-use schemes the user asked to register with the OS (profiles with redirect.registerScheme on). */
  customRedirectSchemes(): string[];
  close(): Promise<void>;
}

/**
 * The application service: everything the renderer can ask for, free of
 * Electron, shared by the desktop main process and the browser-mode bridge.
 * It composes the engine, stores and keystore; each domain's handlers live in
 * handlers/, and this table puts them together — a missing operation is a
 * compile error here (Handlers is a mapped type over the contract).
 */
export function createAppService(options: AppServiceOptions): AppService {
  const store = new ProfileStore({ dataDir: options.dataDir });
  const history = new HistoryStore(options.dataDir, options.secrets);
  const broker = new RedirectBroker();
  // Secrets read through a cache the profiles file's changes invalidate: no keychain round trip per token.
  const c = createServiceContext({ ...options, secrets: cachedSecretStore(options.secrets, () => store.revision()) }, { store, history, broker });
  // Data integrity (issue 11): open every data file now, so a damaged one is moved aside (with a
  // notice for the banner) at start, not at first use; and move the old keychain-item history in.
  const opened = checkDataFiles(options, history);

  const handlers: Handlers = {
    appInfo: async () => {
      await opened;
      const notices = dataNotices(options.dataDir);
      return { mode: options.mode, version: options.version, dataDir: options.dataDir, platform: process.platform, ...(notices.length ? { notices } : {}) };
    },
    ...preferenceHandlers(c),
    ...workspaceHandlers(c),
    ...secretHandlers(c),
    ...importExportHandlers(c),
    ...runHandlers(c),
    ...tokenHandlers(c),
    ...apiHandlers(c),
    ...historyHandlers(c),
    ...keystoreHandlers(c),
    // Issue 13 §2–§4: environments, presets, importers, exports as commands
    ...environmentHandlers(c),
    ...presetHandlers(c),
    ...conversionHandlers(c),
    ...inspectorHandlers(c),
    ...workspacePageHandlers(c),
    ...registrationHandlers(c),
    ...sessionHandlers(c),
  };

  return {
    handlers,
    onEvent: (listener) => c.subscribe(listener),
    deliverRedirect: (url) => broker.deliver(url),
    customRedirectSchemes() {
      const schemes = new Set<string>();
      for (const p of store.listProfiles()) {
        // Registering claims the scheme machine-wide: only on the user's say, never because a profile (or an import) names one.
        if (p.redirect.registerScheme !== true) continue;
        const url = p.redirect.mode === 'fixed' ? p.redirect.url : undefined;
        const m = url ? /^([a-z][a-z0-9+.-]*):/i.exec(url) : null;
        // Only private-use (reverse-domain) schemes: never claim http, https, file or another app's short scheme.
        if (m?.[1] && m[1].includes('.')) schemes.add(m[1].toLowerCase());
      }
      return [...schemes];
    },
    async close() {
      // First, synchronously: the desktop app does not wait for this promise while quitting.
      try {
        history.close();
      } catch {
        // A disk that refuses the write now refuses it whatever we do; quitting must still work.
      }
      for (const run of c.runs.values()) run.abort();
      c.dropListeners();
      // Runs keep connections alive between them; the app's exit ends them.
      await closeSharedConnections();
      await opened;
    },
  };
}

async function checkDataFiles(options: AppServiceOptions, history: HistoryStore): Promise<void> {
  try {
    await options.keystore?.list();
  } catch {
    // reported where it is used
  }
  const secrets = options.secrets as Partial<{ checkVaultFile(): Promise<void> }>;
  await secrets.checkVaultFile?.().catch(() => undefined);
  // A locked or absent keychain leaves the old history where it is, for the next start.
  await history.migrateLegacy().catch(() => undefined);
}
