import { WorkbenchError } from '../../../shared/errors';
import { PRESETS, presetById, type ProviderPreset } from '../../../shared/presets';
import { parse, UsageError } from '../args';
import type { CliContext } from '../context';
import { printJson } from '../output';

const HELP = `Usage:
  tokenbench presets [--json]           the provider presets
  tokenbench presets show NAME [--json] a preset's inputs, quirks and documentation

Create a profile from one: tokenbench profiles save NAME --preset entra --tenant contoso --client-id ID ...
`;

/** `tokenbench presets`: provider presets (issue 13 §2), read from shared/presets. */
export async function presetsCommand(argv: string[], _ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub === 'show') {
    const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('usage: tokenbench presets show NAME');
    const preset = presetById(positionals[0] as string);
    if (!preset) throw new WorkbenchError('NOT_FOUND', `no preset "${positionals[0]}" (see tokenbench presets)`);
    if (values.json) printJson(preset);
    else process.stdout.write(describePreset(preset));
    return 0;
  }
  const { values } = parse(sub === undefined ? [] : argv, { json: { type: 'boolean' } }, false);
  if (values.json) printJson(PRESETS.map(({ id, name, docs, inputs }) => ({ id, name, docs, inputs })));
  else for (const p of PRESETS) process.stdout.write(`${p.id.padEnd(14)}${p.name.padEnd(26)}${p.inputs.filter((i) => i.required).map((i) => `--${i.name}`).join(' ')}\n`);
  return 0;
}

export function describePreset(p: ProviderPreset): string {
  const lines = [`${p.name} (--preset ${p.id})`, '', 'Inputs:'];
  for (const i of p.inputs)
    lines.push(`  --${i.name.padEnd(16)}${i.label}${i.required ? ' (required)' : ''}${i.default ? ` [default: ${i.default}]` : ''}${i.choices ? ` {${i.choices.join('|')}}` : ''}`);
  const issuer = p.rules.find((r) => !r.when)?.set.issuer;
  if (issuer) lines.push('', `Issuer: ${issuer}`);
  const notes = p.rules.filter((r) => r.note).map((r) => `  - ${r.when ? `[${Object.entries(r.when).map(([k, v]) => `${k}=${v}`).join(', ')}] ` : ''}${r.note}`);
  if (notes.length) lines.push('', 'Quirks:', ...notes);
  lines.push('', 'Documentation:', ...p.docs.map((d) => `  ${d}`), '');
  return lines.join('\n');
}
