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
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
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
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
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
