/**
 * The README's environment table is the one place a person learns every variable: each
 * `CLAIMBOARD_*` name the code reads has a row (or is in INTERNAL with why no person sets it),
 * and each row names a variable the code still reads.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/cli';

/** Read by the code, but never set by a person: no row in the table. */
const INTERNAL: Record<string, string> = {
  CLAIMBOARD_HOOKS_FROM: "the plugin's hook commands carry it, so its hooks step aside for install-hooks' (docs/claude-plugin.md)",
  CLAIMBOARD_TEST_API: "the real VS Code tests' switch for the extension's test API",
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The variables of the README's "Environment variables and settings" table. */
export function envTable(readme: string): string[] {
  const start = readme.indexOf('### Environment variables and settings');
  assert.ok(start >= 0, 'the README has its environment section');
  const rows = readme
    .slice(start)
    .split('\n')
    .slice(1)
    .filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] ?? ''));
}

describe('the README environment table and the code', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = envTable(readme);
  const code = sourceFiles(path.join(ROOT, 'src'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const read = new Set([...code.matchAll(/\bCLAIMBOARD_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]));

  it('has a row for every CLAIMBOARD_ variable the code reads', () => {
    assert.ok(read.size >= 20, `found only ${read.size} variables in src`);
    const missing = [...read].filter((v) => !table.includes(v) && !(v in INTERNAL)).sort();
    assert.deepEqual(missing, [], 'variables read in src/ with no row in the README table (or a reason in INTERNAL)');
  });

  it('names only variables the code reads', () => {
    const stale = table.filter((v) => !code.includes(v));
    assert.deepEqual(stale, [], 'rows of the README table that no code reads');
    assert.deepEqual(
      Object.keys(INTERNAL).filter((v) => !read.has(v)),
      [],
      'INTERNAL names variables the code no longer reads',
    );
  });
});
