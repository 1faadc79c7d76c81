import { WorkbenchError } from '../../../shared/errors';
import { profileSecretAccount } from '../../secrets/secret-store';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';
import { manageRegistration, profileFromRegistration, publicRegistration, registerClient, saveRegistration } from '../registration';
import { readPem, resolveFlowConfig } from '../run-profile';

/** Dynamic client registration (RFC 7591/7592, issue 14): the renderer sees masked secrets only. */
export function registrationHandlers(c: ServiceContext): Pick<Handlers, 'registerClient' | 'manageRegistration'> {
  return {
    registerClient: async (a) => {
      if (!a.issuer && !a.registrationEndpoint) throw new WorkbenchError('MISSING_CONFIGURATION', 'give the issuer (for discovery) or the registration endpoint');
      if (c.store.listProfiles().some((p) => p.name === a.profileName && p.groupId === a.groupId)) throw new WorkbenchError('ALREADY_EXISTS', `a profile named "${a.profileName}" already exists`);
      const d = a.groupId ? c.store.listGroups().find((g) => g.id === a.groupId)?.defaults.network : undefined;
      const outcome = await registerClient(
        {
          ...(a.issuer ? { issuer: a.issuer } : {}),
          ...(a.registrationEndpoint ? { registrationEndpoint: a.registrationEndpoint } : {}),
          ...(a.initialAccessToken ? { initialAccessToken: a.initialAccessToken } : {}),
          ...(a.grantTypes ? { grantTypes: a.grantTypes } : {}),
          ...(a.authMethod ? { authMethod: a.authMethod } : {}),
          ...(a.redirectUrl ? { redirectUrl: a.redirectUrl } : {}),
          ...(a.keyAlias ? { signingKeyAlias: a.keyAlias } : {}),
          ...(a.jwksUri ? { jwksUri: a.jwksUri } : {}),
          ...(a.clientName ? { clientName: a.clientName } : {}),
          ...(a.scopes ? { scopes: a.scopes } : {}),
          // The group's proxy and trust apply to its new profile's registration too.
          network: {
            ...(d?.proxy ? { proxy: d.proxy } : {}),
            tls: { ...(d?.caFile ? { ca: await readPem(d.caFile, 'CA bundle') } : {}), ...(d?.insecureSkipTlsVerify ? { insecure: true } : {}) },
          },
        },
        a.keyAlias ? { exportPublicJwk: async (alias) => (await c.keystoreOrThrow().exportPublicJwk(alias)) as unknown as Record<string, unknown> } : undefined,
      );
      const draft = profileFromRegistration(outcome, { name: a.profileName, ...(a.keyAlias ? { signingKeyAlias: a.keyAlias } : {}), ...(a.redirectUrl ? { redirectUrl: a.redirectUrl } : {}), ...(a.scopes ? { scopes: a.scopes } : {}) });
      const profile = await saveRegistration(c.store, c.secrets, outcome, { ...draft, ...(a.groupId ? { groupId: a.groupId } : {}) });
      c.emit({ type: 'workspace.changed' });
      return { profile, response: publicRegistration(outcome.registered), transcript: outcome.transcript };
    },
    manageRegistration: async ({ profileId, operation, metadata }) => {
      const profile = c.effective(c.profileOrThrow(profileId));
      const config = await resolveFlowConfig({ ...profile, dpop: undefined }, c.stores(), {}).catch(() => undefined);
      const network = config?.network ?? (await c.networkOf(profile));
      const done = await manageRegistration(operation, profile, c.secrets, network, metadata ?? {});
      if (operation === 'delete') {
        await c.secrets.delete(profileSecretAccount(profileId, 'registrationAccessToken'));
        const raw = c.profileOrThrow(profileId);
        c.store.saveProfile({ ...raw, registration: undefined, secretRefs: raw.secretRefs.filter((r) => r !== 'registrationAccessToken') });
        c.emit({ type: 'workspace.changed' });
        return { profile: c.profileOrThrow(profileId), transcript: done.transcript };
      }
      return { response: publicRegistration(done.registered!), transcript: done.transcript };
    },
  };
}
