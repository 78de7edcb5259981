// Renders the PNG icons of the web manifest from public/icons/icon.svg with headless Debian
// chromium (no downloaded images, no native npm build). The PNGs are committed; run this again
// after changing the SVG:  npm run icons
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const chromium = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const icons = new URL('../public/icons/', import.meta.url).pathname;
const svg = readFileSync(join(icons, 'icon.svg'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'lucas-icons-'));

// Maskable: full-bleed background, the coin inside the 80% safe zone.
const maskable = svg
  .replace('rx="96"', 'rx="0"')
  .replace('<circle cx="256" cy="256" r="168"', '<g transform="translate(256 256) scale(0.78) translate(-256 -256)"><circle cx="256" cy="256" r="168"')
  .replace('</svg>', '</g></svg>');

const render = (source, size, out) => {
  const page = join(work, `${out}.html`);
  writeFileSync(
    page,
    `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${source}`,
  );
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${join(work, 'profile')}`, '--default-background-color=00000000',
    `--window-size=${size},${size}`, `--screenshot=${join(icons, out)}`, `file://${page}`,
  ], { stdio: 'ignore' });
  console.log(`icons: ${out} (${size}x${size})`);
};

try {
  render(svg, 192, 'icon-192.png');
  render(svg, 512, 'icon-512.png');
  render(maskable, 512, 'maskable-512.png');
} finally {
  rmSync(work, { recursive: true, force: true });
}
