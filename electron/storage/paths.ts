import { homedir } from 'node:os';
import { join } from 'node:path';

/** The app's name as Electron derives userData from it (package.json productName). */
export const APP_NAME = 'Token Workbench';

/**
 * The data directory shared by the desktop app and the CLI: Electron's
 * `app.getPath('userData')` for our app name, unless TOKENBENCH_HOME overrides it.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TOKENBENCH_HOME) return env.TOKENBENCH_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}
