import { describe, expect, it } from 'vitest';
import { parseLifetime } from '../../electron/cli/args';

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
