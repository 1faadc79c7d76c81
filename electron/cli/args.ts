import { parseArgs, type ParseArgsConfig } from 'node:util';
import { WorkbenchError } from '../../shared/errors';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: withDashValues(argv, options), options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/**
 * Tokens, secrets and assertions are base64url: one in 64 starts with "-". node:util's parseArgs
 * takes `--refresh-token -7ab…` for a missing value and a positional `-7ab…` for an unknown option.
 * So a known option's value is attached with "=", and the positionals are passed after "--", in
 * their order: a value or positional that starts with "-" reaches the command as it is. A known
 * option where a value should be is still reported as a missing value, and unknown options as
 * unknown.
 */
export function withDashValues(argv: string[], options: Options): string[] {
  const shortNames = new Map<string, string>(Object.entries(options).flatMap(([name, o]) => (o.short ? [[`-${o.short}`, name] as const] : [])));
  const optionName = (arg: string): string | undefined => {
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] as string;
      return Object.hasOwn(options, name) ? name : undefined;
    }
    return shortNames.get(arg);
  };
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const name = optionName(arg);
    if (name !== undefined) {
      const next = argv[i + 1];
      const takesValue = options[name]?.type === 'string' && !arg.includes('=');
      if (takesValue && next !== undefined && next !== '--' && optionName(next) === undefined) {
        flags.push(`--${name}=${next}`);
        i++;
      } else flags.push(arg);
    } else if (arg.startsWith('--')) flags.push(arg);
    else positionals.push(arg);
  }
  return positionals.length > 0 ? [...flags, '--', ...positionals] : flags;
}

/** `k=v` pairs from repeatable flags such as --param. */
export function keyValues(values: string[] | undefined, flag: string): Array<[string, string]> {
  return (values ?? []).map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} takes name=value, got "${kv}"`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  });
}

/** Reads all of standard input (for `-` arguments). */
/** Standard input, up to `maxBytes` (a token or assertion: 1 MiB); more is an error, not a memory hog. */
export async function readStdin(maxBytes = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    length += (chunk as Buffer).length;
    if (length > maxBytes) {
      process.stdin.destroy();
      throw new UsageError(`standard input is over the ${Math.round(maxBytes / 1024)} KiB a token or assertion may be`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function requireValue<T>(value: T | undefined, message: string): T {
  if (value === undefined || value === '') throw new UsageError(message);
  return value;
}

export function parseJsonObjectArg(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WorkbenchError('INVALID_INPUT', `${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new WorkbenchError('INVALID_INPUT', `${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Parses "5m", "300s", "300", "1h" into seconds (--assertion-lifetime, --timeout, --lifetime). */
export function parseLifetime(value: string): number {
  const m = /^(\d+)\s*([smh]?)$/.exec(value.trim());
  if (!m) throw new WorkbenchError('INVALID_INPUT', `lifetime "${value}" is not like 300, 300s, 5m or 1h`);
  const n = Number(m[1]);
  const seconds = m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
  if (seconds < 1 || seconds > 86_400 * 366) throw new WorkbenchError('INVALID_INPUT', `lifetime ${value} is out of range`);
  return seconds;
}
