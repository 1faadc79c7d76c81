import { WorkbenchError } from '../../../shared/errors';
import { printableName } from '../../../shared/profile';
import { profileSecretAccount } from '../../secrets/secret-store';
import { parse, UsageError } from '../args';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { overridesFromFlags, PROFILE_OPTIONS, profileFromFlags } from '../profile-flags';

const HELP = `Usage:
  tokenbench profiles list [--json]
  tokenbench profiles show NAME
  tokenbench profiles save NAME [ISSUER_URL] [token flags]   create, or update with the flags given
  tokenbench profiles delete NAME
  tokenbench profiles export FILE|- [--group NAME ...] [--force]
  tokenbench profiles import FILE [--replace] [--dry-run] [--json]
  tokenbench profiles confirm NAME [--yes]

Secrets given to "save" (--client-secret, --password, --refresh-token) go to the OS keychain,
never into the profile file. Keys are referenced as --signing-key keystore:ALIAS.

An imported file is untrusted: its groups and profiles get new ids unless --replace replaces the
entries with the same ids; a replaced profile whose requests would go elsewhere (issuer, endpoints,
proxy, TLS settings) loses its stored secrets and tokens. Key aliases and JWT bearer claims from a
file are used only after "profiles confirm NAME" shows them and you confirm.
`;

const SECRET_FLAGS = [
  ['client-secret', 'clientSecret'],
  ['password', 'password'],
  ['refresh-token', 'refreshToken'],
] as const;

export async function profilesCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list': {
      const { values } = parse(rest, { json: { type: 'boolean' } }, false);
      const profiles = (await ctx.profiles()).listProfiles();
      if (values.json) printJson(profiles);
      else if (profiles.length === 0) process.stderr.write('no saved profiles (tokenbench profiles save NAME ...)\n');
      else for (const p of profiles) process.stdout.write(`${printableName(p.name)}\t${p.grantType}\t${p.clientAuth.method}\t${p.issuer ?? p.endpoints.token ?? ''}\n`);
      return 0;
    }
    case 'show': {
      const { positionals } = parse(rest, {});
      const profile = (await ctx.profiles()).getProfile(one(positionals, 'profiles show NAME'));
      if (!profile) throw new WorkbenchError('NOT_FOUND', `no saved profile "${positionals[0]}"`);
      printJson(profile);
      return 0;
    }
    case 'save': {
      const { values: flags, positionals } = parse(rest, PROFILE_OPTIONS);
      if (positionals.length < 1 || positionals.length > 2) throw new UsageError('usage: tokenbench profiles save NAME [ISSUER_URL] [flags]');
      const [name, issuer] = positionals as [string, string | undefined];
      if (flags['signing-key'] && !flags['signing-key'].startsWith('keystore:'))
        throw new UsageError('a saved profile references keys in the keystore: import the key (tokenbench keys import FILE --alias NAME), then use --signing-key keystore:NAME');
      if (flags['tls-cert'] && !flags['tls-cert'].startsWith('keystore:')) throw new UsageError('a saved profile references its TLS client certificate as --tls-cert keystore:ALIAS');
      for (const flag of ['subject-token', 'actor-token', 'assertion'] as const)
        if (flags[flag] && !(flag === 'assertion' && flags.assertion?.trimStart().startsWith('{'))) throw new UsageError(`--${flag} is given per run, not saved in a profile`);
      const store = await ctx.profiles();
      const existing = store.getProfile(name);
      const built = profileFromFlags(flags, issuer, existing, name);
      const overrides = overridesFromFlags(flags);
      const toStore = SECRET_FLAGS.filter(([flag]) => flags[flag] !== undefined);
      const secretRefs = new Set(built.secretRefs);
      for (const [, ref] of toStore) secretRefs.add(ref);
      const { id: _cliId, ...rest2 } = built;
      // Secrets first, under the id the profile will have: with no reachable (or a locked) keychain
      // this throws before anything is written, so no profile points at secrets that are not there.
      const id = existing?.id ?? crypto.randomUUID();
      const written: string[] = [];
      if (toStore.length) {
        const secrets = await ctx.secrets();
        const values: Record<string, string | undefined> = { clientSecret: overrides.clientSecret, password: overrides.password, refreshToken: overrides.refreshToken };
        try {
          for (const [, ref] of toStore) {
            await secrets.set(profileSecretAccount(id, ref), values[ref] as string);
            written.push(profileSecretAccount(id, ref));
          }
        } catch (err) {
          if (!existing) for (const account of written) await secrets.delete(account).catch(() => undefined);
          throw err;
        }
      }
      let saved;
      try {
        saved = store.saveProfile({ ...rest2, id, name, secretRefs: [...secretRefs] });
      } catch (err) {
        if (!existing && written.length) {
          const secrets = await ctx.secrets();
          for (const account of written) await secrets.delete(account).catch(() => undefined);
        }
        throw err;
      }
      process.stderr.write(`saved profile "${saved.name}"${toStore.length ? ` (${toStore.map(([, r]) => r).join(', ')} in the keychain)` : ''}\n`);
      return 0;
    }
    case 'delete': {
      const { positionals } = parse(rest, {});
      const store = await ctx.profiles();
      const profile = store.getProfile(one(positionals, 'profiles delete NAME'));
      if (!profile) throw new WorkbenchError('NOT_FOUND', `no saved profile "${positionals[0]}"`);
      if (profile.secretRefs.length) {
        const secrets = await ctx.secrets();
        for (const ref of profile.secretRefs) await secrets.delete(profileSecretAccount(profile.id, ref));
      }
      store.deleteProfile(profile.id);
      process.stderr.write(`deleted profile "${profile.name}"\n`);
      return 0;
    }
    // Import trust (issue 11)
    case 'export':
      return (await import('./profiles-io')).exportCommand(rest, ctx);
    case 'import':
      return (await import('./profiles-io')).importCommand(rest, ctx);
    case 'confirm':
      return (await import('./profiles-io')).confirmCommand(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return sub ? 0 : 2;
    default:
      throw new UsageError(`unknown profiles command "${sub}" (list, show, save, delete, export, import, confirm)`);
  }
}

function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`usage: tokenbench ${usage}`);
  return positionals[0] as string;
}
