import { buildCommand } from '../../../shared/commands';
import { convertImportFiles } from '../../../shared/importers';
import { discover } from '../../engine/discovery';
import { HttpClient } from '../../engine/http';
import { Transcript } from '../../engine/transcript';
import { profileSecretAccount } from '../../secrets/secret-store';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** Importers (foreign file → connections document, then the normal import path) and exports as commands (issue 13 §4). */
export function conversionHandlers(c: ServiceContext): Pick<Handlers, 'convertImport' | 'exportCommand'> {
  return {
    convertImport: async ({ format, files }) => {
      const { parse } = await import('yaml');
      return convertImportFiles(files, format, (text) => parse(text, { maxAliasCount: 100 }));
    },
    exportCommand: async ({ profileId, kind, revealSecrets }) => {
      const { profile } = await c.inEnvironment(c.profileOrThrow(profileId));
      let tokenEndpoint = profile.endpoints.token;
      if (!tokenEndpoint && kind === 'curl' && profile.issuer && profile.discovery) {
        const http = new HttpClient(await c.networkOf(profile), new Transcript());
        try {
          tokenEndpoint = (await discover(http, profile.issuer)).token_endpoint;
        } catch {
          // The command still works with $TOKEN_ENDPOINT.
        } finally {
          await http.close();
        }
      }
      let secrets: { clientSecret?: string; password?: string; refreshToken?: string } | undefined;
      if (revealSecrets) {
        // Only on the user's explicit request; never cached: the renderer gets the text once.
        secrets = {};
        for (const name of ['clientSecret', 'password', 'refreshToken'] as const) {
          if (!profile.secretRefs.includes(name)) continue;
          const v = await c.secrets.get(profileSecretAccount(profile.id, name));
          if (v !== undefined) secrets[name] = v;
        }
      }
      const built = buildCommand(kind, profile, { ...(tokenEndpoint ? { tokenEndpoint } : {}), ...(secrets ? { secrets } : {}) });
      return built;
    },
  };
}
