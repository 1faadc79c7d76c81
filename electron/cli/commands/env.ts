import { randomUUID } from 'node:crypto';
import { environmentSecretAccount } from '../../../shared/environments';
import { WorkbenchError } from '../../../shared/errors';
import { printableName, type ConnectionGroup, type Environment } from '../../../shared/profile';
import { parse, readStdin, UsageError } from '../args';
import type { CliContext } from '../context';
import { printJson } from '../output';

const HELP = `Usage:
  tokenbench env list [GROUP] [--json]          environments of every group (or one) and their variables
  tokenbench env add GROUP ENV [--production]   add an environment (the group is created when it does not exist)
  tokenbench env set GROUP ENV NAME VALUE       set a variable
  tokenbench env set GROUP ENV NAME [VALUE|-] --secret
                                                a secret variable: its value goes to the OS keychain, never into
                                                profiles.json; without VALUE (or with "-") it is read from stdin
  tokenbench env unset GROUP ENV NAME           remove a variable (and a secret one's keychain value)
  tokenbench env use GROUP ENV                  make ENV the group's active environment
  tokenbench env delete GROUP ENV               remove an environment and its secret values

Profiles of the group use the variables as {{NAME}} in any text field; "tokenbench token --profile P --env ENV"
fills them from ENV (default: the group's active environment). Groups and environments are named as in the
app; the same files and keychain are used. Secret values are shown masked.
`;

/** As the app masks a secret (electron/app/context mask, not imported: it would load the whole engine). */
const mask = (value: string) => (value.length < 12 ? '•'.repeat(8) : `${'•'.repeat(8)}${value.slice(-2)}`);

/** Secret values read from stdin: a client secret or password, not a file. */
const MAX_SECRET_BYTES = 16 * 1024;

export async function envCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return list(rest, ctx);
    case 'add':
      return add(rest, ctx);
    case 'set':
      return set(rest, ctx);
    case 'unset':
      return unset(rest, ctx);
    case 'use':
      return use(rest, ctx);
    case 'delete':
      return remove(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown env command "${sub}" (list, add, set, unset, use, delete)`);
  }
}

function findGroup(groups: ConnectionGroup[], name: string): ConnectionGroup {
  const group = groups.find((g) => g.id === name) ?? groups.find((g) => g.name === name) ?? groups.find((g) => g.name.toLowerCase() === name.toLowerCase());
  if (!group) {
    const known = groups.map((g) => `"${printableName(g.name)}"`).join(', ');
    throw new WorkbenchError('NOT_FOUND', `no group "${printableName(name)}"${known ? ` (there are: ${known})` : ' (there are none yet: tokenbench env add GROUP ENV creates one)'}`);
  }
  return group;
}

function findEnvironment(group: ConnectionGroup, name: string): Environment {
  const envs = group.environments ?? [];
  const env = envs.find((e) => e.id === name) ?? envs.find((e) => e.name === name) ?? envs.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (!env) {
    const known = envs.map((e) => `"${printableName(e.name)}"`).join(', ');
    throw new WorkbenchError('NOT_FOUND', `group "${printableName(group.name)}" has no environment "${printableName(name)}"${known ? ` (it has: ${known})` : ' (it has none: tokenbench env add GROUP ENV)'}`);
  }
  return env;
}

/** The group with one environment replaced, saved in one locked write (checked by the store's schema). */
async function saveEnvironment(ctx: CliContext, groupName: string, envName: string, change: (env: Environment, group: ConnectionGroup) => Environment | undefined) {
  const store = await ctx.profiles();
  return store.update((tx) => {
    const group = findGroup(tx.listGroups(), groupName);
    const env = findEnvironment(group, envName);
    const changed = change(env, group);
    const environments = (group.environments ?? []).flatMap((e) => (e.id !== env.id ? [e] : changed ? [changed] : []));
    const active = group.activeEnvironmentId === env.id && !changed ? undefined : group.activeEnvironmentId;
    const { activeEnvironmentId: _a, ...rest } = group;
    return { group: tx.saveGroup({ ...rest, environments, ...(active ? { activeEnvironmentId: active } : {}) }), env };
  });
}

function positionalsOf(rest: string[], count: number, usage: string, options: Parameters<typeof parse>[1] = {}) {
  const parsed = parse(rest, options);
  if (parsed.positionals.length < count) throw new UsageError(`usage: ${usage}`);
  return parsed;
}

async function list(rest: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError('usage: tokenbench env list [GROUP] [--json]');
  const all = (await ctx.profiles()).listGroups();
  const groups = positionals[0] !== undefined ? [findGroup(all, positionals[0])] : all;
  const secrets = groups.some((g) => g.environments?.some((e) => e.variables.some((v) => v.secret))) ? await ctx.secrets() : undefined;
  const rows = [];
  for (const g of groups)
    for (const e of g.environments ?? []) {
      const variables: Array<{ name: string; secret: boolean; value?: string; set?: boolean; masked?: string }> = [];
      for (const v of e.variables) {
        if (!v.secret) variables.push({ name: v.name, secret: false, value: v.value ?? '' });
        else {
          const value = await secrets?.get(environmentSecretAccount(g.id, e.id, v.name));
          variables.push({ name: v.name, secret: true, set: Boolean(value), ...(value ? { masked: mask(value) } : {}) });
        }
      }
      rows.push({ group: g.name, environment: e.name, active: g.activeEnvironmentId === e.id, production: e.production === true, variables });
    }
  if (values.json) {
    printJson(rows);
    return 0;
  }
  if (rows.length === 0) {
    process.stderr.write(positionals[0] !== undefined ? `group "${printableName(groups[0]!.name)}" has no environments (tokenbench env add GROUP ENV)\n` : 'no environments (tokenbench env add GROUP ENV)\n');
    return 0;
  }
  for (const r of rows) {
    process.stdout.write(`${printableName(r.group)} / ${printableName(r.environment)}${r.active ? ' (active)' : ''}${r.production ? ' ⚠ PRODUCTION' : ''}\n`);
    for (const v of r.variables)
      process.stdout.write(`  ${v.name} = ${v.secret ? (v.set ? `${v.masked} (secret, in the keychain)` : '(secret, not set)') : printableName(v.value ?? '')}\n`);
  }
  return 0;
}

async function add(rest: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = positionalsOf(rest, 2, 'tokenbench env add GROUP ENV [--production]', { production: { type: 'boolean' } });
  if (positionals.length > 2) throw new UsageError('usage: tokenbench env add GROUP ENV [--production]');
  const [groupName, envName] = positionals as [string, string];
  const store = await ctx.profiles();
  const created = store.update((tx) => {
    const groups = tx.listGroups();
    const existing = groups.find((g) => g.id === groupName) ?? groups.find((g) => g.name === groupName) ?? groups.find((g) => g.name.toLowerCase() === groupName.toLowerCase());
    if (existing?.environments?.some((e) => e.name.toLowerCase() === envName.trim().toLowerCase()))
      throw new WorkbenchError('ALREADY_EXISTS', `group "${printableName(existing.name)}" already has an environment "${printableName(envName)}"`);
    const env: Environment = { id: randomUUID(), name: envName, variables: [], ...(values.production ? { production: true } : {}) };
    const group = existing
      ? { ...existing, environments: [...(existing.environments ?? []), env] }
      : { name: groupName, defaults: {}, environments: [env], activeEnvironmentId: env.id };
    return { group: tx.saveGroup(group), isNew: !existing };
  });
  process.stderr.write(`${created.isNew ? `created group "${printableName(created.group.name)}" with ` : ''}environment "${printableName(envName)}"${values.production ? ' (production)' : ''}\n`);
  return 0;
}

async function set(rest: string[], ctx: CliContext): Promise<number> {
  const usage = 'tokenbench env set GROUP ENV NAME VALUE | tokenbench env set GROUP ENV NAME [VALUE|-] --secret';
  const { values, positionals } = positionalsOf(rest, 3, usage, { secret: { type: 'boolean' } });
  if (positionals.length > 4) throw new UsageError(`usage: ${usage}`);
  const [groupName, envName, name, given] = positionals as [string, string, string, string | undefined];
  if (values.secret) {
    // Kept out of the shell history and the process list unless the user typed it there.
    const value = given === undefined || given === '-' ? (await readStdin(MAX_SECRET_BYTES)).replace(/\r?\n$/, '') : given;
    if (value === '') throw new UsageError(`no value for the secret variable ${name} (give it as VALUE or on stdin)`);
    // The variable is declared first (a bad name changes nothing), then its value goes to the keychain;
    // a keychain that refuses it (locked, absent) puts the variable back as it was, value and all.
    let before: Environment['variables'][number] | undefined;
    const { group, env } = await saveEnvironment(ctx, groupName, envName, (e) => {
      before = e.variables.find((v) => v.name === name);
      return { ...e, variables: upsert(e.variables, { name, secret: true }) };
    });
    try {
      await (await ctx.secrets()).set(environmentSecretAccount(group.id, env.id, name), value);
    } catch (err) {
      await saveEnvironment(ctx, group.id, env.id, (e) => ({ ...e, variables: before ? upsert(e.variables, before) : e.variables.filter((v) => v.name !== name) }));
      throw err;
    }
    process.stderr.write(`${name} set in "${printableName(group.name)} / ${printableName(env.name)}" (secret, in the keychain: ${mask(value)})\n`);
    return 0;
  }
  if (given === undefined) throw new UsageError(`usage: ${usage}`);
  let wasSecret = false;
  const { group, env } = await saveEnvironment(ctx, groupName, envName, (e) => {
    wasSecret = e.variables.some((v) => v.name === name && v.secret);
    return { ...e, variables: upsert(e.variables, { name, value: given, secret: false }) };
  });
  // A variable that was secret before leaves no value behind in the keychain (a plain one needs no keychain).
  if (wasSecret) await dropSecret(ctx, group.id, env.id, name);
  process.stderr.write(`${name} set in "${printableName(group.name)} / ${printableName(env.name)}"\n`);
  return 0;
}

function upsert(variables: Environment['variables'], v: Environment['variables'][number]): Environment['variables'] {
  const i = variables.findIndex((x) => x.name === v.name);
  return i < 0 ? [...variables, v] : variables.map((x, j) => (j === i ? v : x));
}

async function dropSecret(ctx: CliContext, groupId: string, envId: string, name: string): Promise<void> {
  const secrets = await ctx.secrets();
  const account = environmentSecretAccount(groupId, envId, name);
  if (await secrets.get(account)) await secrets.delete(account);
}

async function unset(rest: string[], ctx: CliContext): Promise<number> {
  const { positionals } = positionalsOf(rest, 3, 'tokenbench env unset GROUP ENV NAME');
  if (positionals.length > 3) throw new UsageError('usage: tokenbench env unset GROUP ENV NAME');
  const [groupName, envName, name] = positionals as [string, string, string];
  let found: Environment['variables'][number] | undefined;
  const { group, env } = await saveEnvironment(ctx, groupName, envName, (e) => {
    found = e.variables.find((v) => v.name === name);
    if (!found) throw new WorkbenchError('NOT_FOUND', `environment "${printableName(e.name)}" has no variable "${printableName(name)}"`);
    return { ...e, variables: e.variables.filter((v) => v.name !== name) };
  });
  if (found?.secret) await dropSecret(ctx, group.id, env.id, name);
  process.stderr.write(`${name} removed from "${printableName(group.name)} / ${printableName(env.name)}"\n`);
  return 0;
}

async function use(rest: string[], ctx: CliContext): Promise<number> {
  const { positionals } = positionalsOf(rest, 2, 'tokenbench env use GROUP ENV');
  if (positionals.length > 2) throw new UsageError('usage: tokenbench env use GROUP ENV');
  const [groupName, envName] = positionals as [string, string];
  const store = await ctx.profiles();
  const { group, env } = store.update((tx) => {
    const g = findGroup(tx.listGroups(), groupName);
    const e = findEnvironment(g, envName);
    return { group: tx.saveGroup({ ...g, activeEnvironmentId: e.id }), env: e };
  });
  process.stderr.write(`"${printableName(group.name)}" now uses "${printableName(env.name)}"${env.production ? ' ⚠ PRODUCTION' : ''}\n`);
  return 0;
}

async function remove(rest: string[], ctx: CliContext): Promise<number> {
  const { positionals } = positionalsOf(rest, 2, 'tokenbench env delete GROUP ENV');
  if (positionals.length > 2) throw new UsageError('usage: tokenbench env delete GROUP ENV');
  const [groupName, envName] = positionals as [string, string];
  const { group, env } = await saveEnvironment(ctx, groupName, envName, () => undefined);
  for (const v of env.variables.filter((x) => x.secret)) await dropSecret(ctx, group.id, env.id, v.name);
  process.stderr.write(`environment "${printableName(env.name)}" removed from "${printableName(group.name)}"\n`);
  return 0;
}
