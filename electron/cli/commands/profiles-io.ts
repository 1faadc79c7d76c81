import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WorkbenchError } from '../../../shared/errors';
import type { ImportPlan, ImportPlanItem, ImportReport } from '../../../shared/ipc';
import { destinationLabel } from '../../../shared/import-trust';
import { exportConnections } from '../../app/connections-io';
import { applyImportDocument, parseImportJson, planImport, replaceAllDecisions } from '../../app/import-plan';
import { confirmImportedProfile, importReviewOf } from '../../app/import-review';
import { parse, UsageError } from '../args';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { FILE_CAPS, readBoundedFileSync } from '../../storage/bounded-file';

/**
 * `tokenbench profiles export|import|confirm` (issue 11): the app's import
 * rules exactly — the same planning and applying code — with `--replace` as
 * the CLI's one decision: replace every entry whose id exists (else each is
 * imported under a new id).
 */

export async function exportCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, { group: { type: 'string', multiple: true }, force: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: tokenbench profiles export FILE|- [--group NAME ...] [--force]');
  const store = await ctx.profiles();
  let groups = store.listGroups();
  if (values.group?.length) {
    const wanted = new Set(values.group);
    groups = groups.filter((g) => wanted.has(g.name) || wanted.has(g.id));
    const found = new Set(groups.flatMap((g) => [g.name, g.id]));
    const missing = values.group.filter((g) => !found.has(g));
    if (missing.length) throw new WorkbenchError('NOT_FOUND', `no group ${missing.map((m) => `"${m}"`).join(', ')}`);
  }
  const ids = new Set(groups.map((g) => g.id));
  const profiles = store.listProfiles().filter((p) => !values.group?.length || (p.groupId !== undefined && ids.has(p.groupId)));
  const json = exportConnections(groups, profiles);
  const file = positionals[0] as string;
  if (file === '-') process.stdout.write(json);
  else {
    try {
      writeFileSync(file, json, { flag: values.force ? 'w' : 'wx', mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new WorkbenchError('ALREADY_EXISTS', `${file} exists (--force overwrites it)`);
      throw new WorkbenchError('INVALID_INPUT', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  process.stderr.write(`exported ${groups.length} group(s) and ${profiles.length} profile(s)${file === '-' ? '' : ` to ${file}`}; secrets are placeholders\n`);
  return 0;
}

export async function importCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, { replace: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: tokenbench profiles import FILE [--replace] [--dry-run] [--json]');
  const file = positionals[0] as string;
  const doc = parseImportJson(readImportFile(file));
  const store = await ctx.profiles();
  const plan = planImport(doc, { groups: store.listGroups(), profiles: store.listProfiles() });
  process.stderr.write(formatPlan(plan, values.replace ?? false));
  if (!plan.valid) throw new WorkbenchError('INVALID_INPUT', 'nothing was imported: the file has the problems listed above');
  if (values['dry-run']) {
    if (values.json) printJson(plan);
    process.stderr.write('dry run: nothing was imported\n');
    return 0;
  }
  let history: import('../../app/history').HistoryStore | undefined;
  const report = await applyImportDocument(doc, values.replace ? replaceAllDecisions(plan) : [], {
    store,
    secrets: () => ctx.secrets(),
    clearHistory: async (profileId) => {
      const { HistoryStore } = await import('../../app/history');
      history ??= new HistoryStore(ctx.dataDir, await ctx.secrets());
      return history.clear(profileId);
    },
    source: basename(file),
  });
  if (values.json) printJson(report);
  process.stderr.write(formatReport(report));
  return 0;
}

export async function confirmCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, { yes: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: tokenbench profiles confirm NAME [--yes]');
  const store = await ctx.profiles();
  const profile = store.getProfile(positionals[0] as string);
  if (!profile) throw new WorkbenchError('NOT_FOUND', `no saved profile "${positionals[0]}"`);
  const review = importReviewOf(profile, profile.groupId ? store.listGroups().find((g) => g.id === profile.groupId) : undefined);
  if (!review.pending) {
    process.stderr.write(`profile "${profile.name}" has nothing awaiting confirmation\n`);
    return 0;
  }
  process.stderr.write(`profile "${profile.name}" was imported${review.source ? ` from ${review.source}` : ''}${review.importedAt ? ` on ${review.importedAt}` : ''}.\nIts keys will be used as follows once you confirm:\n`);
  for (const f of review.fields) process.stderr.write(`  ${f.reviewed ? '*' : ' '} ${f.label}: ${indent(f.value)}\n`);
  process.stderr.write('  (* = from the file, confirmed by you)\n');
  let yes = values.yes ?? false;
  if (!yes) {
    if (!process.stdin.isTTY) throw new WorkbenchError('IMPORT_NOT_CONFIRMED', `not confirmed: check the above, then run tokenbench profiles confirm "${profile.name}" --yes`);
    yes = await ask('Confirm? [y/N] ');
  }
  if (!yes) {
    process.stderr.write('not confirmed\n');
    return 1;
  }
  confirmImportedProfile(store, profile, review.digest);
  process.stderr.write(`confirmed profile "${profile.name}"\n`);
  return 0;
}

/** Reads a connections file: a regular file, within the cap, else a clear error. */
export function readImportFile(file: string): string {
  return readBoundedFileSync(file, { what: 'connections file', maxBytes: FILE_CAPS.import }).toString('utf8');
}

const indent = (text: string) => text.replace(/\n/g, '\n      ');
const show = (json: string | undefined) => (json === undefined ? '(unset)' : json);

export function formatPlan(plan: ImportPlan, replace: boolean): string {
  const lines: string[] = ['Import plan:'];
  for (const p of plan.problems) lines.push(`  file: ${p}`);
  for (const item of [...plan.groups, ...plan.profiles]) lines.push(...formatItem(item, replace));
  return `${lines.join('\n')}\n`;
}

function formatItem(item: ImportPlanItem, replace: boolean): string[] {
  const head = `  ${item.kind} "${item.name}"`;
  const out: string[] = [];
  if (item.status === 'invalid') out.push(`${head}: INVALID — ${item.reason}`);
  else if (item.status === 'new') out.push(`${head}: new${item.importedAs ? ` (named "${item.importedAs}": the name is taken)` : ''}`);
  else {
    out.push(`${head}: an existing ${item.kind} has its id (${item.existing?.name}) — ${replace ? 'REPLACED (--replace)' : 'imported as new (--replace replaces it)'}`);
    for (const c of item.changes) out.push(`      ${c.field}: ${show(c.before)} → ${show(c.after)}${c.destination ? '  [where requests go]' : ''}${c.signing ? '  [signing]' : ''}`);
    if (!item.changes.length) out.push('      no changes');
    if (item.clearsSecretsOf.length) out.push(`      replacing it clears the stored secrets and tokens of ${item.clearsSecretsOf.map((p) => `"${p.name}"`).join(', ')} (their requests would go elsewhere)`);
  }
  if (item.needsConfirmation.length) out.push(`      key alias / claims wait for confirmation: ${item.needsConfirmation.join(', ')}`);
  if (item.fileSecrets.length) out.push(`      the file fills in: ${item.fileSecrets.join(', ')} (never over a stored secret)`);
  for (const n of item.notes) out.push(`      note: ${n}`);
  return out;
}

export function formatReport(r: ImportReport): string {
  const lines = [`imported ${r.groups} group(s) and ${r.profiles} profile(s): ${r.created.length} new, ${r.replaced.length} replaced, ${r.skipped.length} skipped`];
  for (const c of r.clearedSecrets)
    lines.push(`cleared the stored secrets and tokens of "${c.name}": its requests now go elsewhere (${c.because.map(destinationLabel).join(', ')}) — enter its secrets again`);
  for (const a of r.awaitingConfirmation) lines.push(`"${a.name}" uses a key alias or claims from the file (${a.fields.join(', ')}): review them with tokenbench profiles confirm "${a.name}"`);
  for (const n of r.needSecrets) lines.push(`"${n.name}" needs ${n.secrets.join(', ')} before it can run`);
  return `${lines.join('\n')}\n`;
}

async function ask(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
