// After `vite build` (which copies public/docs/: the page and its starter): puts Swagger UI, from
// the npm package swagger-ui-dist, beside them in dist/docs/, where the server answers /docs/. No
// CDN: the bundle is served by the server itself, under the same Content-Security-Policy as the app
// (scripts and styles from this origin only, so the page has no inline script nor style).
// The source maps stay out (their comments too: no request for a missing map); the licenses go in.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const from = dirname(require.resolve('swagger-ui-dist/package.json'));
const to = new URL('../dist/docs/', import.meta.url).pathname;
const fail = (why) => {
  console.error(`build-docs: ${why}`);
  process.exit(1);
};

if (!existsSync(join(to, 'index.html')) || !existsSync(join(to, 'explorer.js'))) {
  fail('dist/docs/ has no index.html or explorer.js (they come from public/docs/ through vite build)');
}
mkdirSync(to, { recursive: true });
const withoutMap = (text) => text.replace(/\n?\/[/*]# sourceMappingURL=\S+?(?: \*\/)?\s*$/, '\n');
for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
  writeFileSync(join(to, name), withoutMap(readFileSync(join(from, name), 'utf8')));
}
// Plain-text names, so that they are served as text.
copyFileSync(join(from, 'LICENSE'), join(to, 'swagger-ui-LICENSE.txt'));
copyFileSync(join(from, 'NOTICE'), join(to, 'swagger-ui-NOTICE.txt'));
copyFileSync(join(from, 'swagger-ui-bundle.js.LICENSE.txt'), join(to, 'swagger-ui-bundle.js.LICENSE.txt'));

const page = readFileSync(join(to, 'index.html'), 'utf8');
for (const src of [...page.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="\.\/([^"]+)"/g)].map((m) => m[1])) {
  if (!existsSync(join(to, src))) fail(`docs/index.html loads ${src}, which is not in dist/docs/`);
}
const { version } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
console.log(`build-docs: Swagger UI ${version} in dist/docs/`);
