// Both catalogues have the same keys, every value is a non-empty string, and each language's
// text uses the same {placeholders}.
import { readFileSync } from 'node:fs';

const load = (lang) => JSON.parse(readFileSync(new URL(`../src/i18n/${lang}.json`, import.meta.url)));
const ru = load('ru');
const en = load('en');
const problems = [];
const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
for (const key of new Set([...Object.keys(ru), ...Object.keys(en)])) {
  if (typeof ru[key] !== 'string' || !ru[key]) problems.push(`ru lacks ${key}`);
  if (typeof en[key] !== 'string' || !en[key]) problems.push(`en lacks ${key}`);
  if (ru[key] && en[key] && holes(ru[key]) !== holes(en[key])) problems.push(`placeholders differ in ${key}`);
}
if (problems.length) {
  console.error('check-i18n: ' + problems.join('; '));
  process.exit(1);
}
console.log(`check-i18n: ${Object.keys(ru).length} keys in ru and en`);
