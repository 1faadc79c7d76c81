import { constants, copyFileSync, existsSync, renameSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { DataNotice } from '../../shared/ipc';
import { fsyncDir } from './locked-file';

/**
 * Damaged data files, moved aside. A truncated or corrupt `profiles.json`,
 * `keystore.json`, `vault.json` or history must not stop the app, the CLI or
 * browser mode: the store that finds one renames it to a timestamped backup
 * next to it (never deletes it: the user may repair it and copy it back),
 * starts empty, and records a notice here. The app service shows the notices
 * (AppInfo.notices → a banner), the CLI prints each on stderr.
 *
 * Callers hold the file's cross-process lock and have re-read the file under
 * it, so two processes never both move aside (one of them a repaired file).
 */
const notices: DataNotice[] = [];
const listeners = new Set<(notice: DataNotice) => void>();

export function moveAsideDamaged(path: string, reason: string, opts: { keepGoodPart?: string } = {}): DataNotice {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let backup = `${path}.damaged-${stamp}`;
  for (let i = 2; existsSync(backup); i++) backup = `${path}.damaged-${stamp}-${i}`;
  // keepGoodPart: a copy goes aside and the caller keeps what is sound (the history's records before a torn one).
  if (opts.keepGoodPart) copyFileSync(path, backup, constants.COPYFILE_EXCL);
  else renameSync(path, backup);
  fsyncDir(dirname(path));
  const notice: DataNotice = {
    code: 'DATA_FILE_DAMAGED',
    file: path,
    backup,
    message: opts.keepGoodPart
      ? `${basename(path)} was damaged (${reason}); it was moved aside to ${basename(backup)} and ${opts.keepGoodPart}.`
      : `${basename(path)} was damaged (${reason}); it was moved aside to ${basename(backup)} and Token Workbench started without it.`,
    at: new Date().toISOString(),
  };
  notices.push(notice);
  for (const listener of listeners) {
    try {
      listener(notice);
    } catch {
      // a listener's failure must not stop the store
    }
  }
  return notice;
}

/** Every file moved aside by this process (for files under `dir`, when given). */
export function dataNotices(dir?: string): DataNotice[] {
  return notices.filter((n) => dir === undefined || dirname(n.file) === dir || n.file.startsWith(`${dir}/`) || n.file.startsWith(`${dir}\\`));
}

export function onDataNotice(listener: (notice: DataNotice) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
