import { describe, expect, it } from 'vitest';
import { parse, parseLifetime, UsageError } from '../../electron/cli/args';

describe('parseLifetime', () => {
  it.each([
    ['300', 300],
    ['300s', 300],
    ['5m', 300],
    ['1h', 3600],
    [' 10 m ', 600],
  ])('reads %j as %i seconds', (text, seconds) => expect(parseLifetime(text)).toBe(seconds));

  it.each(['', '0', '5d', '-5m', '1.5m', 'soon', `${86_400 * 367}`])('lifetime-%j-is-refused', (text) => {
    expect(() => parseLifetime(text)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('arguments that start with a dash', () => {
  const options = { 'refresh-token': { type: 'string' }, silent: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, param: { type: 'string', multiple: true } } as const;

  it('a-positional-token-starting-with-a-dash-is-a-positional', () => {
    const { positionals, values } = parse(['https://as.example', '-7abcDEF_ghi', '--silent'], options);
    expect(positionals).toEqual(['https://as.example', '-7abcDEF_ghi']);
    expect(values.silent).toBe(true);
  });

  it('an-option-value-starting-with-a-dash-is-the-value', () => {
    expect(parse(['--refresh-token', '-Zq9'], options).values['refresh-token']).toBe('-Zq9');
    expect(parse(['--param', 'a=-1', '--param', '-b=2'], options).values.param).toEqual(['a=-1', '-b=2']);
  });

  it('a-missing-option-value-is-still-reported', () => {
    expect(() => parse(['--refresh-token', '--silent'], options)).toThrow(UsageError);
    expect(() => parse(['--refresh-token'], options)).toThrow(UsageError);
  });

  it('an-unknown-option-is-still-reported', () => {
    expect(() => parse(['--refresh-tokn', 'x'], options)).toThrow(/Unknown option '--refresh-tokn'/);
  });

  it('short options, "-" for stdin and "--" keep their meaning', () => {
    expect(parse(['-h'], options).values.help).toBe(true);
    expect(parse(['-'], options).positionals).toEqual(['-']);
    expect(parse(['--', '--silent'], options)).toMatchObject({ positionals: ['--silent'], values: {} });
  });

  it('positionals are refused where the command takes none', () => {
    expect(() => parse(['-7abc'], options, false)).toThrow(UsageError);
  });
});
