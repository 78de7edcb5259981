// Holds answers recorded by a shell test against the OpenAPI document (serve_e2e.sh records every
// answer it gets through curl: one file per answer, "STATUS<TAB>CONTENT_TYPE<TAB>METHOD<TAB>URL",
// its body beside it in the same name + ".body").
//   node tests/e2e/check_answers.mjs OPENAPI.json ANSWERS_DIR
// Prints the count and each mismatch; exits 1 when an answer does not match, when none was checked,
// or when the validator fails its self-test (a wrong body must be reported).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiSelfTest, createApiValidator } from './lib.mjs';

const [docPath, dir] = process.argv.slice(2);
if (!docPath || !dir) {
  console.error('usage: check_answers.mjs OPENAPI.json ANSWERS_DIR');
  process.exit(2);
}
const validator = createApiValidator(JSON.parse(readFileSync(docPath, 'utf8')));
const missed = apiSelfTest(validator);
if (missed.length) console.log(`the validator did not report: ${missed.join(', ')}`);

const count = { json: 0, other: 0, skip: 0 };
const problems = [];
for (const name of readdirSync(dir).filter((n) => !n.endsWith('.body')).sort()) {
  const [status, contentType, method, url] = readFileSync(join(dir, name), 'utf8').trimEnd().split('\t');
  const body = readFileSync(join(dir, `${name}.body`), 'utf8');
  const { kind, problem } = validator.problems(method, url, Number(status), contentType, body);
  count[kind] += 1;
  if (problem) problems.push(problem);
}
for (const p of problems) console.log(`  ${p}`);
console.log(`${count.json} JSON answers validated against the OpenAPI document, ${problems.length} did not match ` +
  `(${count.other} other answers' content types checked, ${count.skip} outside the API)`);
process.exit(missed.length === 0 && problems.length === 0 && count.json > 0 ? 0 : 1);
