import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * A file of the built renderer for a URL path, as the Electron app:// protocol
 * and browser mode both serve it: `/` is index.html, and nothing outside the
 * renderer directory is ever read. Undefined means "answer 404".
 */
export async function readRendererFile(rendererDir: string, pathname: string): Promise<{ body: Buffer; contentType: string } | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return undefined;
  }
  const root = resolve(rendererDir);
  const file = resolve(root, `.${relative}`);
  if (!file.startsWith(root + sep)) return undefined;
  try {
    return { body: await readFile(file), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
