// Renders the app icon (renderer/public/icon.svg, the one drawing) to every size the packages need,
// with Chromium (playwright-core + /usr/bin/chromium, already used by the UI tests), and writes the
// two container formats by hand: ICO (Windows, favicon) and ICNS (macOS) both hold PNGs as they are.
//   node scripts/build-icons.mjs        → build/icon.png, build/icons/NxN.png, build/icon.ico, build/icon.icns,
//                                          renderer/public/favicon.ico, renderer/public/icon.png (the window's icon)
// The outputs are committed (small); rerun after changing the SVG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync('renderer/public/icon.svg', 'utf8');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const png = new Map();
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
    png.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
} finally {
  await browser.close();
}

/** ICO: a 6-byte header, one 16-byte directory entry per image, then the images (PNG payloads, Vista and later). */
function ico(sizes) {
  const images = sizes.map((s) => png.get(s));
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  sizes.forEach((s, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(s >= 256 ? 0 : s, at); // 0 means 256
    header.writeUInt8(s >= 256 ? 0 : s, at + 1);
    header.writeUInt8(0, at + 2); // no palette
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(images[i].length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += images[i].length;
  });
  return Buffer.concat([header, ...images]);
}

/** ICNS: "icns" + total length, then per image a 4-letter type, its length (8 + data) and a PNG. */
function icns() {
  const types = [['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512]];
  const chunks = types.map(([type, size]) => {
    const data = png.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + data.length, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

mkdirSync('build/icons', { recursive: true });
for (const size of SIZES) writeFileSync(`build/icons/${size}x${size}.png`, png.get(size));
writeFileSync('build/icon.png', png.get(512));
writeFileSync('build/icon.ico', ico([16, 24, 32, 48, 64, 128, 256]));
writeFileSync('build/icon.icns', icns());
writeFileSync('renderer/public/favicon.ico', ico([16, 32, 48]));
// The desktop window's icon (Linux, Windows) at run time: it ships in dist/renderer, which the package holds; build/ it does not.
writeFileSync('renderer/public/icon.png', png.get(256));
console.log('icons written: build/icon.png, build/icons/, build/icon.ico, build/icon.icns, renderer/public/favicon.ico, renderer/public/icon.png');
