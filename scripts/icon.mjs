#!/usr/bin/env node
/**
 * Draws icon.png (512×512, the size Claude Desktop recommends; the MCPB bundle's and the registry's icon): a ledger card — three
 * customer rows, each an avatar dot and a line, one per billing system — on a rounded square.
 * Pure Node (zlib for the PNG), so it needs no image tool: `node scripts/icon.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
/** The drawing is laid out on a 256 grid. */
const S = SIZE / 256;
const BACKGROUND = [0x1f, 0x4e, 0x79]; // deep blue
const CARD = [0xf7, 0xf9, 0xfc];
const ROWS = [
  [0x2e, 0x9e, 0x6b], // green
  [0xe8, 0x8b, 0x1e], // orange
  [0x8a, 0x4f, 0xd0], // violet
];
const LINE = [0xc5, 0xcf, 0xdb];

/** Coverage of a rounded rectangle at a pixel centre, softened over one pixel for anti-aliasing. */
function roundedRect(x, y, left, top, right, bottom, radius) {
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  const distance = (Math.hypot(x - cx, y - cy) - radius) * S;
  return Math.min(1, Math.max(0, 0.5 - distance));
}

function circle(x, y, cx, cy, r) {
  return Math.min(1, Math.max(0, 0.5 - (Math.hypot(x - cx, y - cy) - r) * S));
}

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const x = (px + 0.5) / S;
    const y = (py + 0.5) / S;
    let rgb = BACKGROUND;
    const alpha = roundedRect(x, y, 0, 0, SIZE, SIZE, 48);
    const blend = (color, coverage) => {
      if (coverage <= 0) return;
      rgb = rgb.map((c, i) => Math.round(c * (1 - coverage) + color[i] * coverage));
    };
    blend(CARD, roundedRect(x, y, 40, 52, 216, 204, 18));
    ROWS.forEach((color, row) => {
      const cy = 88 + row * 40;
      blend(color, circle(x, y, 72, cy, 12));
      blend(LINE, roundedRect(x, y, 96, cy - 6, row === 1 ? 160 : 188, cy + 6, 6));
    });
    const at = (py * SIZE + px) * 4;
    pixels[at] = rgb[0];
    pixels[at + 1] = rgb[1];
    pixels[at + 2] = rgb[2];
    pixels[at + 3] = Math.round(alpha * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let row = 0; row < SIZE; row++) {
  raw[row * (SIZE * 4 + 1)] = 0; // filter: none
  pixels.copy(raw, row * (SIZE * 4 + 1) + 1, row * SIZE * 4, (row + 1) * SIZE * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../icon.png', import.meta.url), png);
process.stdout.write(`icon.png: ${SIZE}×${SIZE}, ${png.length} bytes\n`);
