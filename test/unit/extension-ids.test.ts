import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COLORS, COMMANDS, CONTEXT_KEYS, VIEWS, VIEW_ITEMS } from '../../src/extension/ids';

// The manifest and the code name the same commands, views, colours and tree item kinds through
// one table (src/extension/ids.ts): a typo or a rename on either side fails here, not in a menu.
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    colors: { id: string }[];
  };
};
const c = manifest.contributes;
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

describe('extension ids and the manifest', () => {
  it('contributes exactly the commands the extension registers, each with a category', () => {
    assert.deepEqual(sorted(c.commands.map((x) => x.command)), sorted(Object.values(COMMANDS)));
    for (const x of c.commands) assert.ok(x.category, `${x.command} has no category`);
  });

  it('every menu entry and welcome link names a known command', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    for (const [menu, entries] of Object.entries(c.menus)) {
      for (const e of entries) assert.ok(known.has(e.command), `${menu}: ${e.command} is not a command of the extension`);
    }
    for (const w of c.viewsWelcome) {
      for (const m of w.contents.matchAll(/command:([\w.]+)/g)) assert.ok(known.has(m[1] ?? ''), `welcome of ${w.view}: ${m[1]}`);
    }
  });

  it('views, colours and viewItem values match the tables', () => {
    assert.deepEqual(
      sorted(
        Object.values(c.views)
          .flat()
          .map((v) => v.id),
      ),
      sorted(Object.values(VIEWS)),
    );
    assert.deepEqual(sorted(c.colors.map((x) => x.id)), sorted(Object.values(COLORS)));
    const items = new Set<string>(Object.values(VIEW_ITEMS));
    const views = new Set<string>(Object.values(VIEWS));
    for (const entries of Object.values(c.menus)) {
      for (const e of entries) {
        for (const m of (e.when ?? '').matchAll(/viewItem == ([\w.]+)/g)) assert.ok(items.has(m[1] ?? ''), `${e.command}: viewItem ${m[1]} is never set`);
        for (const m of (e.when ?? '').matchAll(/view == ([\w.]+)/g)) assert.ok(views.has(m[1] ?? ''), `${e.command}: view ${m[1]} does not exist`);
        for (const m of (e.when ?? '').matchAll(/viewItem =~ \/\^?([\w.\\]+)\//g)) {
          const prefix = (m[1] ?? '').replace(/\\\./g, '.');
          assert.ok(
            [...items].some((i) => i.startsWith(prefix)),
            `${e.command}: no viewItem matches /${m[1]}/`,
          );
        }
      }
    }
  });

  it('every claimboard context key in a when clause is one the extension sets', () => {
    const keys = new Set<string>(Object.values(CONTEXT_KEYS));
    for (const [menu, entries] of Object.entries(c.menus)) {
      for (const e of entries) {
        for (const m of (e.when ?? '').matchAll(/(?<!== )\b(claimboard\.\w+)/g)) assert.ok(keys.has(m[1] ?? ''), `${menu}: ${e.command} tests ${m[1]}, which is never set`);
      }
    }
  });
});
