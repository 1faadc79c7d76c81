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
                       [--group GROUP]: in that group, whose environments fill {{variables}} (tokenbench env)
  tokenbench profiles delete NAME
  tokenbench profiles export FILE|- [--group NAME ...] [--force]
  tokenbench profiles import FILE [--replace] [--dry-run] [--json]
  tokenbench profiles confirm NAME [--yes]
  tokenbench profiles save NAME --preset ID [preset inputs] [token flags]
                       e.g. --preset entra --tenant contoso.onmicrosoft.com --client-id ID --grant-type client_credentials
                       (tokenbench presets lists them; presets show ID lists a preset's inputs)
  tokenbench profiles import FILE... [--from postman|insomnia|bruno|curl] [--dry-run]
                       a Postman collection v2.1 (+ environment files), an Insomnia v4 JSON / v5 YAML
                       export, a Bruno collection folder, or a file holding a curl command ("-" reads
                       stdin); --from is detected when absent. Secrets found are listed, never stored.
  tokenbench profiles command NAME [--as tokenbench|oauth2c|curl] [--env NAME] [--reveal-secrets]
                       the profile as a command; secrets as $ENVIRONMENT_VARIABLES unless --reveal-secrets

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
    case 'import':
      // A Token Workbench connections file takes the import of profiles-io; other formats are converted first.
      return (await isConnectionsFile(rest)) ? (await import('./profiles-io')).importCommand(rest, ctx) : importCommand(rest, ctx);
    case 'command':
      return commandCommand(rest, ctx);
    case 'save': {
      if (rest.some((a) => a === '--preset' || a.startsWith('--preset='))) return saveFromPreset(rest, ctx);
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
      // --group NAME puts the profile in a group (whose environments fill its {{variables}}: tokenbench env).
      const group = flags.group !== undefined ? store.listGroups().find((g) => g.id === flags.group || g.name === flags.group) : undefined;
      if (flags.group !== undefined && !group) throw new WorkbenchError('NOT_FOUND', `no group "${flags.group}" (tokenbench env add GROUP ENV creates one)`);
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
        saved = store.saveProfile({ ...rest2, id, name, secretRefs: [...secretRefs], ...(group ? { groupId: group.id } : {}) });
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
    case 'confirm':
      return (await import('./profiles-io')).confirmCommand(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return sub ? 0 : 2;
    default:
      throw new UsageError(`unknown profiles command "${sub}" (list, show, save, delete, export, import, confirm, command)`);
  }
}

// --- Provider presets, importers, exports as commands (issue 13 §2, §4) -----------------------------

/** `profiles save NAME --preset ID …`: the preset's inputs as flags, then the usual token flags on top. */
async function saveFromPreset(argv: string[], ctx: CliContext): Promise<number> {
  const { PRESETS, presetById, profileFromPreset } = await import('../../../shared/presets');
  const inputNames = new Set(PRESETS.flatMap((p) => p.inputs.map((i) => i.name)));
  const extra: Record<string, { type: 'string' }> = {};
  for (const n of inputNames) if (!(n in PROFILE_OPTIONS)) extra[n] = { type: 'string' };
  const { values, positionals } = parse(argv, { ...PROFILE_OPTIONS, ...extra, preset: { type: 'string' } });
  const flags = values as Record<string, string | string[] | boolean | undefined>;
  if (positionals.length !== 1) throw new UsageError('usage: tokenbench profiles save NAME --preset ID [inputs] [flags]');
  const name = positionals[0] as string;
  const preset = presetById(String(flags.preset));
  if (!preset) throw new WorkbenchError('NOT_FOUND', `no preset "${flags.preset}" (see tokenbench presets)`);
  // Inputs the preset takes, from their flags; the grant comes from --grant-type (short names).
  const inputs: Record<string, string> = {};
  const consumed = new Set<string>(['preset']);
  for (const i of preset.inputs) {
    const flag = i.name === 'grant' ? 'grant-type' : i.name;
    const v = flags[flag];
    const value = Array.isArray(v) ? v[0] : typeof v === 'string' ? v : undefined;
    if (value !== undefined) {
      inputs[i.name] = i.name === 'grant' ? value.replace(/^urn:ietf:params:oauth:grant-type:/, '').replace('jwt-bearer', 'jwt_bearer').replace('token-exchange', 'token_exchange') : value;
      if (!['client-id', 'grant-type'].includes(flag)) consumed.add(flag);
    }
  }
  const unusedInput = [...inputNames].filter((n) => !(n in PROFILE_OPTIONS) && flags[n] !== undefined && !preset.inputs.some((i) => i.name === n));
  if (unusedInput.length) throw new UsageError(`${preset.name} does not take ${unusedInput.map((n) => `--${n}`).join(', ')} (tokenbench presets show ${preset.id})`);
  const draft = profileFromPreset(preset, inputs, name);
  const rest = Object.fromEntries(Object.entries(values).filter(([k]) => k in PROFILE_OPTIONS && !consumed.has(k) && k !== 'grant-type')) as Parameters<typeof profileFromFlags>[0];
  const store = await ctx.profiles();
  const existing = store.getProfile(name);
  const base = profileFromFlags({}, undefined, { ...draft.profile, id: existing?.id ?? 'preset', secretRefs: [] } as never, name);
  const built = profileFromFlags(rest, undefined, base, name);
  const overrides = overridesFromFlags(rest);
  const toStore = SECRET_FLAGS.filter(([flag]) => rest[flag] !== undefined);
  const { id: _id, ...body } = built;
  const saved = store.saveProfile({ ...body, id: existing?.id, name, secretRefs: toStore.map(([, r]) => r) });
  if (toStore.length) {
    const secrets = await ctx.secrets();
    const vals: Record<string, string | undefined> = { clientSecret: overrides.clientSecret, password: overrides.password, refreshToken: overrides.refreshToken };
    for (const [, ref] of toStore) await secrets.set(profileSecretAccount(saved.id, ref), vals[ref] as string);
  }
  process.stderr.write(`saved profile "${saved.name}" from preset ${preset.name}${toStore.length ? ` (${toStore.map(([, r]) => r).join(', ')} in the keychain)` : ''}
`);
  for (const n of draft.notes) process.stderr.write(`  - ${n}
`);
  return 0;
}

async function isConnectionsFile(argv: string[]): Promise<boolean> {
  if (argv.some((a) => a === '--from' || a.startsWith('--from='))) return false;
  const file = argv.find((a) => !a.startsWith('-'));
  if (!file) return true;
  const { open, stat } = await import('node:fs/promises');
  const st = await stat(file).catch(() => undefined);
  // A folder is a Bruno collection; anything else that is not a file (missing, a device, a pipe) goes to
  // the connections import, whose bounded reader says clearly what it is.
  if (st?.isDirectory()) return false;
  if (!st?.isFile()) return true;
  // Only the head is needed to recognise the format: never the whole of a file that may be huge.
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return true;
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return /"format"\s*:\s*"tokenbench-connections"/.test(head.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

async function importCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, { from: { type: 'string' }, 'dry-run': { type: 'boolean' } });
  if (!positionals.length) throw new UsageError('usage: tokenbench profiles import FILE... [--from postman|insomnia|bruno|curl]');
  const { IMPORT_FORMATS } = await import('../../../shared/ipc');
  if (values.from !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(values.from)) throw new UsageError(`--from is one of ${IMPORT_FORMATS.join(', ')}`);
  const files = await readImportFiles(positionals);
  const { convertImportFiles } = await import('../../../shared/importers');
  const { parse: parseYaml } = await import('yaml');
  const converted = convertImportFiles(files, values.from as (typeof IMPORT_FORMATS)[number] | undefined, (t) => parseYaml(t, { maxAliasCount: 100 }));
  if (values['dry-run']) {
    process.stdout.write(converted.json);
  } else {
    // The normal import path (and its trust rules), as the desktop app takes a connections file.
    const { createAppService } = await import('../../app/service');
    const service = createAppService({ dataDir: ctx.dataDir, mode: 'web', version: 'cli', openBrowser: async () => undefined, secrets: await ctx.secrets() });
    try {
      // Through dispatch, like main and the browser bridge: the operation's schema and its defaults apply.
      const { dispatch } = await import('../../app/dispatch');
      const result = await dispatch(service.handlers, 'importConnections', { json: converted.json });
      if (!result.ok) throw new WorkbenchError(result.error.code, result.error.message);
    } finally {
      await service.close();
    }
  }
  process.stderr.write(`${values['dry-run'] ? 'would import' : 'imported'} from ${converted.format}: ${converted.groups} group(s), ${converted.profiles} profile(s)
`);
  for (const n of converted.needsSecret) process.stderr.write(`  needs secret: ${n.secret} of "${n.profile}" (not imported: set it with tokenbench profiles save "${n.profile}" --${n.secret === 'clientSecret' ? 'client-secret' : n.secret === 'password' ? 'password' : 'refresh-token'} …)
`);
  for (const u of converted.unmapped) process.stderr.write(`  not mapped: ${u}
`);
  return 0;
}

/** At most this many files of a Bruno collection folder are read (their total stays under the import cap). */
const MAX_COLLECTION_FILES = 5_000;

async function readImportFiles(paths: string[]): Promise<Array<{ name: string; text: string }>> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join, relative } = await import('node:path');
  const { FILE_CAPS, readBoundedFile } = await import('../../storage/bounded-file');
  const files: Array<{ name: string; text: string }> = [];
  let total = 0;
  const take = async (name: string, path: string, what: string) => {
    const bytes = await readBoundedFile(path, { what, maxBytes: FILE_CAPS.import - total });
    total += bytes.length;
    files.push({ name, text: bytes.toString('utf8') });
  };
  for (const p of paths) {
    if (p === '-') {
      const { readStdin } = await import('../args');
      files.push({ name: 'stdin', text: await readStdin(FILE_CAPS.import) });
      continue;
    }
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new WorkbenchError('NOT_FOUND', `no file or folder ${p}`);
    if (st.isDirectory()) {
      // A Bruno collection: its .bru files and bruno.json, with paths relative to the folder.
      // Symbolic links are not followed (a link loop or a link out of the folder reads nothing).
      const before = files.length;
      const walk = async (dir: string): Promise<void> => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const full = join(dir, e.name);
          if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) await walk(full);
          else if (e.isFile() && (e.name.endsWith('.bru') || e.name === 'bruno.json')) {
            if (files.length - before >= MAX_COLLECTION_FILES) throw new WorkbenchError('FILE_UNREADABLE', `${p} holds more than ${MAX_COLLECTION_FILES} collection files`);
            await take(relative(p, full).split('\\').join('/'), full, 'collection file');
          }
        }
      };
      await walk(p);
      if (files.length === before) throw new WorkbenchError('FILE_UNREADABLE', `${p} is a directory with no Bruno collection in it (no .bru files or bruno.json)`);
    } else await take(p, p, 'import file');
  }
  return files;
}

async function commandCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, { as: { type: 'string' }, env: { type: 'string' }, 'reveal-secrets': { type: 'boolean' } });
  const kind = values.as ?? 'tokenbench';
  if (!['tokenbench', 'oauth2c', 'curl'].includes(kind)) throw new UsageError('--as is tokenbench, oauth2c or curl');
  const store = await ctx.profiles();
  const stored = store.getProfile(one(positionals, 'profiles command NAME [--as tokenbench|oauth2c|curl]'));
  if (!stored) throw new WorkbenchError('NOT_FOUND', `no saved profile "${positionals[0]}"`);
  const { applyEnvironment } = await import('../../app/environments');
  const { profile } = await applyEnvironment(stored, store.listGroups(), () => ctx.secrets(), values.env);
  let secrets: Record<string, string> | undefined;
  if (values['reveal-secrets']) {
    secrets = {};
    const s = await ctx.secrets();
    for (const ref of ['clientSecret', 'password', 'refreshToken'] as const) {
      if (!profile.secretRefs.includes(ref)) continue;
      const v = await s.get(profileSecretAccount(profile.id, ref));
      if (v !== undefined) secrets[ref] = v;
    }
  }
  let tokenEndpoint = profile.endpoints.token;
  if (!tokenEndpoint && kind === 'curl' && profile.issuer && profile.discovery) {
    const { discover } = await import('../../engine/discovery');
    const { HttpClient, closeSharedConnections } = await import('../../engine/http');
    const { Transcript } = await import('../../engine/transcript');
    const http = new HttpClient({}, new Transcript());
    try {
      tokenEndpoint = (await discover(http, profile.issuer)).token_endpoint;
    } catch {
      // $TOKEN_ENDPOINT then.
    } finally {
      await http.close();
      await closeSharedConnections();
    }
  }
  const { buildCommand } = await import('../../../shared/commands');
  const built = buildCommand(kind as 'tokenbench' | 'oauth2c' | 'curl', profile, { ...(tokenEndpoint ? { tokenEndpoint } : {}), ...(secrets ? { secrets } : {}) });
  process.stdout.write(`${built.text}
`);
  if (built.env.length) process.stderr.write(`set first: ${built.env.map((e) => `$${e}`).join(' ')}
`);
  for (const n of built.notes) process.stderr.write(`note: ${n}
`);
  return 0;
}

function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`usage: tokenbench ${usage}`);
  return positionals[0] as string;
}
