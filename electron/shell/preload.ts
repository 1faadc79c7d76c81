import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL } from '../../shared/ipc-names';
import { buildBridge } from './bridge';

/**
 * Sandboxed preload (built as CJS: sandboxed preloads cannot be ES modules).
 * ipcRenderer itself never reaches the page — only one function per
 * operation — so the renderer cannot invoke arbitrary channels.
 */
const api = buildBridge(
  (channel, arg) => ipcRenderer.invoke(channel, arg),
  (listener) => {
    // Strip the IpcRendererEvent: it carries `sender`, i.e. ipcRenderer.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('tokenbench', api);
