import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/** The committed app icons (scripts/build-icons.mjs) are what electron-builder's targets read. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];

describe('app icons', () => {
  it('electron-builder names an icon for every target, and each exists', () => {
    const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, { icon?: string }>;
    for (const target of ['linux', 'mac', 'win']) {
      const icon = config[target]?.icon;
      expect(icon, target).toBeTruthy();
      expect(existsSync(icon as string), icon).toBe(true);
    }
  });

  it('the window icon the desktop app loads at run time is the 256 px rendering of the same drawing', () => {
    const b = readFileSync('renderer/public/icon.png');
    expect(b.subarray(0, 8).equals(PNG)).toBe(true);
    expect(pngSize(b)).toEqual([256, 256]);
    expect(b.equals(readFileSync('build/icons/256x256.png'))).toBe(true);
  });

  it('the Linux set holds a PNG of each size its name says', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      const b = readFileSync(`build/icons/${size}x${size}.png`);
      expect(b.subarray(0, 8).equals(PNG)).toBe(true);
      expect(pngSize(b)).toEqual([size, size]);
    }
  });

  it('the ICO (Windows, favicon) is a valid icon directory of PNG images', () => {
    for (const file of ['build/icon.ico', 'renderer/public/favicon.ico']) {
      const b = readFileSync(file);
      expect(b.readUInt16LE(0)).toBe(0);
      expect(b.readUInt16LE(2)).toBe(1);
      const count = b.readUInt16LE(4);
      expect(count).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) {
        const at = 6 + 16 * i;
        const size = b.readUInt8(at) || 256;
        const length = b.readUInt32LE(at + 8);
        const offset = b.readUInt32LE(at + 12);
        const image = b.subarray(offset, offset + length);
        expect(image.subarray(0, 8).equals(PNG), `${file} image ${i}`).toBe(true);
        expect(pngSize(image)).toEqual([size, size]);
      }
    }
  });

  it('the ICNS (macOS) chunks add up to its length and hold PNGs up to 512 px', () => {
    const b = readFileSync('build/icon.icns');
    expect(b.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(b.readUInt32BE(4)).toBe(b.length);
    const types: string[] = [];
    for (let at = 8; at < b.length; ) {
      const type = b.subarray(at, at + 4).toString('ascii');
      const length = b.readUInt32BE(at + 4);
      expect(b.subarray(at + 8, at + 16).equals(PNG), type).toBe(true);
      types.push(type);
      at += length;
    }
    expect(types).toEqual(['icp4', 'icp5', 'icp6', 'ic07', 'ic08', 'ic09']);
  });
});
