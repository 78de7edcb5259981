// After `vite build`: writes X.gz and X.br beside every compressible file of dist/ (Node's own
// zlib: no native build, no download) for the server to pick by Accept-Encoding, and checks the
// budget: the JavaScript a browser loads first (the entry and what index.html preloads; the
// Telegram script is loaded only inside Telegram) must stay within 50 KB gzipped. The budget is the
// app's: the API explorer in docs/ (Swagger UI, a page of its own) is not counted. No page of dist/
// may have an inline script.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const BUDGET = 50 * 1024;
const compressible = /\.(html|js|mjs|css|json|webmanifest|svg|txt|map)$/;

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(dist);

const gzipped = new Map();
for (const f of files) {
  if (!compressible.test(f)) continue;
  const body = readFileSync(f);
  const gz = gzipSync(body, { level: 9 });
  const br = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  gzipped.set('/' + relative(dist, f), gz.length);
  // Tiny files gain nothing: no variant, the server sends them as they are.
  if (gz.length < body.length * 0.9) writeFileSync(f + '.gz', gz);
  if (br.length < body.length * 0.9) writeFileSync(f + '.br', br);
}

for (const page of files.filter((f) => f.endsWith('.html'))) {
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(readFileSync(page, 'utf8'))) {
    console.error(`postbuild: ${relative(dist, page)} has an inline script (the CSP forbids it)`);
    process.exit(1);
  }
}

// The app's own entry page only (the explorer's scripts are under docs/, never under /assets/).
const index = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const total = initial.reduce((n, p) => n + (gzipped.get(p) ?? 0), 0);
console.log(`postbuild: initial JavaScript ${initial.length} file(s), ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (initial.length === 0 || total > BUDGET) {
  console.error('postbuild: the initial JavaScript is over budget (or missing)');
  process.exit(1);
}
