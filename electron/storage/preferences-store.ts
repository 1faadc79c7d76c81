import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PREFERENCES, PreferencesSchema, type Preferences, type PreferencesChange } from '../../shared/preferences';
import { readBoundedFileSync } from './bounded-file';
import { moveAsideDamaged } from './damaged-files';
import { withFileLockSync, writeFileAtomic } from './locked-file';

/** Far above the few bytes the file holds; a bigger one is not ours. */
const MAX_BYTES = 64 * 1024;

/**
 * `preferences.json` in the data directory: the workbench's own settings (shared/preferences.ts).
 * No secret ever goes here. A damaged file is moved aside like every data file (damaged-files.ts)
 * and the defaults are used; an absent one means the defaults.
 */
export class PreferencesStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'preferences.json');
  }

  get(): Preferences {
    const read = this.read();
    if (read.ok) return read.value;
    // Damaged: look again under the lock (another process may have just rewritten it), then move it aside.
    return withFileLockSync(this.path, () => {
      const again = this.read();
      if (again.ok) return again.value;
      moveAsideDamaged(this.path, again.reason);
      return { ...DEFAULT_PREFERENCES };
    });
  }

  set(change: PreferencesChange): Preferences {
    return withFileLockSync(this.path, () => {
      const read = this.read();
      if (!read.ok) moveAsideDamaged(this.path, read.reason);
      const next = PreferencesSchema.parse({ ...(read.ok ? read.value : DEFAULT_PREFERENCES), ...change });
      writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    });
  }

  private read(): { ok: true; value: Preferences } | { ok: false; reason: string } {
    if (!existsSync(this.path)) return { ok: true, value: { ...DEFAULT_PREFERENCES } };
    let text: string;
    try {
      text = readBoundedFileSync(this.path, { what: 'preferences.json', maxBytes: MAX_BYTES }).toString('utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NOT_FOUND') return { ok: true, value: { ...DEFAULT_PREFERENCES } };
      // Too large is damage (it is not a file we wrote); unreadable (permissions, a directory) is the user's to fix.
      if (isOversizedFile(this.path)) return { ok: false, reason: 'larger than a preferences file can be' };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
    // Preferences this version does not know (a newer one wrote them) are dropped, not an error.
    const known = json && typeof json === 'object' && !Array.isArray(json) ? { ...DEFAULT_PREFERENCES, ...pick(json as Record<string, unknown>) } : undefined;
    const parsed = PreferencesSchema.safeParse(known);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'not valid preferences' };
  }
}

const pick = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => k in DEFAULT_PREFERENCES));

function isOversizedFile(path: string): boolean {
  try {
    const s = statSync(path);
    return s.isFile() && s.size > MAX_BYTES;
  } catch {
    return false;
  }
}
