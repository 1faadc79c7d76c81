import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAppService } from '../app/open';
import { systemBrowserOpener } from '../engine/browser';
import { dataDir } from '../storage/paths';
import { startWebServer } from './server';

/**
 * `npm run web`: the workbench in any browser, for machines without
 * Electron. Sign-in pages open in the system browser ($BROWSER, xdg-open,
 * open, rundll32 url.dll on Windows; no shell), as the engine's opener does.
 */
const here = dirname(fileURLToPath(import.meta.url));
const portText = process.env.TOKENBENCH_WEB_PORT;
const port = portText ? Number(portText) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`TOKENBENCH_WEB_PORT must be a port number, not "${portText}"\n`);
  process.exit(2);
}

const service = openAppService({ dataDir: dataDir(), mode: 'web', version: process.env.npm_package_version ?? '0.1.0', openBrowser: systemBrowserOpener() });
const server = await startWebServer({ service, rendererDir: resolve(here, '..', 'renderer'), port }).catch((err: NodeJS.ErrnoException) => {
  process.stderr.write(`cannot listen on 127.0.0.1:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}\n`);
  process.exit(1);
});

process.stdout.write(`Token Workbench (browser mode) is running. Open:\n\n  ${server.url}\n\nThe link carries this run's access token; press Ctrl+C to stop.\n`);

const stop = () => {
  void Promise.all([server.close(), service.close()]).finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
