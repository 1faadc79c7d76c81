import { PreferencesStore } from '../../storage/preferences-store';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** The workbench's own preferences (the theme), in the data directory (storage/preferences-store.ts). */
export function preferenceHandlers(c: ServiceContext): Pick<Handlers, 'getPreferences' | 'setPreferences'> {
  const store = new PreferencesStore(c.options.dataDir);
  return {
    getPreferences: async () => store.get(),
    setPreferences: async (change) => store.set(change),
  };
}
