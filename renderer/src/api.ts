import type { ErrorInfo, Result } from '../../shared/errors';
import type { OperationArg, OperationName, OperationResult, PreloadBridge, WorkbenchApi, WorkbenchEvent } from '../../shared/ipc';
// The names only (plain data): importing them from shared/ipc would pull zod and every schema into the renderer.
import { OPERATION_NAMES } from '../../shared/ipc-names';

/**
 * The renderer's one way to the service. At start-up it picks the transport:
 * the preload's `window.tokenbench` in Electron, else the browser-mode HTTP
 * bridge with the per-run token from the URL fragment. Nothing else in the
 * renderer knows which one it got.
 */
declare global {
  interface Window {
    tokenbench?: PreloadBridge;
  }
}

export class ApiError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
  }
}

export interface Transport {
  api: WorkbenchApi;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
  mode: 'electron' | 'web';
}

const TOKEN_KEY = 'tokenbench.bridgeToken';

function httpTransport(): Transport {
  // The token arrives in the fragment (never sent to a server, never in logs); keep it for reloads of this tab only.
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    history.replaceState(null, '', location.pathname + location.search);
    // Kept for a reload, but not now: the first use of sessionStorage waits on the browser process
    // (10-20 ms of the start-up task on a busy machine, bench/support/trace-startup), so it is written
    // when the page is idle, or as it goes away, whichever comes first.
    let kept = false;
    const keep = () => {
      if (kept) return;
      kept = true;
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(keep, { timeout: 3000 });
    else setTimeout(keep, 1000);
    addEventListener('pagehide', keep);
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const api = {} as Record<OperationName, (arg: unknown) => Promise<Result<unknown>>>;
  for (const name of OPERATION_NAMES) {
    api[name] = async (arg: unknown) => {
      let res: Response;
      try {
        res = await fetch(`api/${name}`, { method: 'POST', headers, body: JSON.stringify(arg ?? {}) });
      } catch (err) {
        return { ok: false, error: { code: 'NETWORK_ERROR', message: `the workbench server is not reachable (${(err as Error).message}) — is \`npm run web\` still running?` } };
      }
      if (res.status === 401) return { ok: false, error: { code: 'INVALID_INPUT', message: 'this page has no valid access token: open the URL `npm run web` printed' } };
      return (await res.json()) as Result<unknown>;
    };
  }

  const listeners = new Set<(event: WorkbenchEvent) => void>();
  let started = false;
  const connect = async () => {
    // Server-sent events read with fetch, so the token travels in a header rather than a URL.
    for (;;) {
      try {
        const res = await fetch('api/events', { headers: { authorization: headers.authorization } });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) for (const l of listeners) l(JSON.parse(data) as WorkbenchEvent);
          }
        }
      } catch {
        // fall through to the retry below
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  return {
    api: api as unknown as WorkbenchApi,
    mode: 'web',
    onEvent(listener) {
      listeners.add(listener);
      if (!started) {
        started = true;
        void connect();
      }
      return () => listeners.delete(listener);
    },
  };
}

function pickTransport(): Transport {
  const bridge = window.tokenbench;
  if (bridge) return { api: bridge, onEvent: (l) => bridge.onEvent(l), mode: 'electron' };
  return httpTransport();
}

export const transport = pickTransport();

/** Calls an operation; a failure becomes an ApiError carrying the server's code, message and details. */
export async function call<N extends OperationName>(name: N, arg: OperationArg<N>): Promise<OperationResult<N>> {
  const fn = transport.api[name] as (a: OperationArg<N>) => Promise<Result<OperationResult<N>>>;
  const result = await fn(arg);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

export function onEvent(listener: (event: WorkbenchEvent) => void): () => void {
  return transport.onEvent(listener);
}

export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
