/**
 * A small cookie jar for one host: honours Path, Max-Age and Expires, which
 * is what oidc-provider's interaction and session cookies rely on.
 */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt?: number;
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  store(setCookie: string | string[] | undefined, requestUrl: string): void {
    const headers = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    for (const header of headers) this.storeOne(header, new URL(requestUrl));
  }

  header(url: string): string | undefined {
    const path = new URL(url).pathname;
    const now = Date.now();
    const matching = [...this.cookies.values()]
      .filter((c) => (c.expiresAt === undefined || c.expiresAt > now) && pathMatches(path, c.path))
      // Longer paths first, as browsers send them.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  private storeOne(header: string, url: URL): void {
    const [pair = '', ...attrs] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const cookie: StoredCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: defaultPath(url.pathname) };
    for (const attr of attrs) {
      const [rawKey = '', ...rest] = attr.split('=');
      const key = rawKey.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (key === 'path' && value.startsWith('/')) cookie.path = value;
      else if (key === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
      else if (key === 'expires' && cookie.expiresAt === undefined) cookie.expiresAt = Date.parse(value);
    }
    const key = `${cookie.name};${cookie.path}`;
    if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }
}

function defaultPath(pathname: string): string {
  const i = pathname.lastIndexOf('/');
  return i <= 0 ? '/' : pathname.slice(0, i);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
