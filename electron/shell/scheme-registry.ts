import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FILE_CAPS, readBoundedFileSync } from '../storage/bounded-file';

/** The part of Electron's `app` that registers protocol handlers with the OS (passed in, so tests can record it). */
export interface ProtocolClientApp {
  isDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  removeAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
}

const SCHEME = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/;

/**
 * Keeps the OS registrations of private-use redirect schemes (RFC 8252 §7.1)
 * equal to what the user turned on: a scheme is claimed when a profile asks
 * for it and released when none does any more. Which schemes this app
 * registered is remembered in a file, so a release never touches a handler
 * some other program (or the installer's own `protocols`) set up.
 */
export class CustomSchemeRegistry {
  constructor(
    private readonly app: ProtocolClientApp,
    private readonly options: {
      /** Where the schemes this app registered are remembered (userData). */
      stateFile: string;
      /** In development Electron runs as `electron .`: the OS must relaunch it with the app path. */
      launch?: { path: string; args: string[] };
      /** Schemes the installer registers (electron-builder `protocols`): never claimed or released here. */
      permanent?: string[];
    },
  ) {}

  reconcile(wanted: Iterable<string>): { registered: string[]; released: string[] } {
    const permanent = new Set(this.options.permanent ?? []);
    const want = new Set([...wanted].map((s) => s.toLowerCase()).filter((s) => SCHEME.test(s) && !permanent.has(s)));
    const ours = new Set(this.readState());
    const registered: string[] = [];
    const released: string[] = [];
    const l = this.options.launch;
    const isOurs = (s: string) => (l ? this.app.isDefaultProtocolClient(s, l.path, l.args) : this.app.isDefaultProtocolClient(s));
    const claim = (s: string) => (l ? this.app.setAsDefaultProtocolClient(s, l.path, l.args) : this.app.setAsDefaultProtocolClient(s));
    const release = (s: string) => (l ? this.app.removeAsDefaultProtocolClient(s, l.path, l.args) : this.app.removeAsDefaultProtocolClient(s));
    for (const scheme of want) {
      if (ours.has(scheme) && isOurs(scheme)) continue;
      if (claim(scheme)) {
        ours.add(scheme);
        registered.push(scheme);
      }
    }
    for (const scheme of [...ours]) {
      if (want.has(scheme)) continue;
      // Still ours? Then give it back; if another program took it since, it is not ours to remove.
      if (isOurs(scheme)) release(scheme);
      ours.delete(scheme);
      released.push(scheme);
    }
    if (registered.length || released.length) this.writeState([...ours].sort());
    return { registered, released };
  }

  private readState(): string[] {
    try {
      const parsed: unknown = JSON.parse(readBoundedFileSync(this.options.stateFile, { what: 'registered schemes file', maxBytes: FILE_CAPS.secret }).toString('utf8'));
      return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string' && SCHEME.test(s)) : [];
    } catch {
      // Missing or damaged: nothing is known to be ours, so nothing is released.
      return [];
    }
  }

  private writeState(schemes: string[]): void {
    mkdirSync(dirname(this.options.stateFile), { recursive: true, mode: 0o700 });
    const tmp = `${this.options.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(schemes)}\n`, { mode: 0o600 });
    renameSync(tmp, this.options.stateFile);
  }
}
