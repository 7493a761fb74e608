/**
 * The markdown board as every machine's live view of the shared store, with two machines
 * (separate HOME and board files) running the real CLI over one real PostgreSQL: the view is
 * written from the database after each change, a long-lived `status --watch` keeps it current
 * with another machine's changes, and what a person adds to it by hand is shared (or reported).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, cleanEnv, runCli, tempDir } from '../support/cli';
import { testPostgres } from '../support/postgres';
import { BoardDocument } from '../../src/core/board-format';
import { VIEW_MARK } from '../../src/core/shared-view';
import { until } from '../support/background';

describe('the markdown board as each machine’s live view of the shared store', function () {
  this.timeout(120_000);
  let url: string;
  const machine = (name: string) => {
    const home = tempDir(`view-${name}-`);
    const board = path.join(home, 'coordination.md');
    return { home, board, env: (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ HOME: home, CLAIMBOARD_STORE: url, CLAIMBOARD_BOARD: board, ...extra }) };
  };
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  const claimsIn = (file: string) => BoardDocument.parse(read(file)).claims.map((c) => `${c.session} ${c.path}`);

  beforeEach(async function () {
    url = await (await testPostgres()).database();
    const init = await runCli(['store', 'init'], { env: cleanEnv({ CLAIMBOARD_STORE: url }) });
    assert.equal(init.code, 0, init.stderr);
  });

  it('each change rewrites the view in the board format, marked as a view; the other machine sees it on its next read and live under status --watch', async () => {
    const a = machine('a');
    const b = machine('b');
    const claimed = await runCli(['claim', 'shop/src/cart.ts', '--eta', '30m'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) });
    assert.equal(claimed.code, 0, claimed.stderr);
    const text = read(a.board);
    assert.match(text, /^# Claude Session Coordination Board\n\nLast updated: \S+\n\n> This board is a view of the shared store postgres:\/\/postgres:\*\*\*@/);
    assert.ok(!text.includes(decodeURIComponent(new URL(url).password)), 'no password in the view');
    assert.deepEqual(claimsIn(a.board), ['alpha shop/src/cart.ts']);
    assert.match(text, /^- alpha \(started \S+\) — shop\/src\/cart\.ts — eta \S+ — lease until \S+ — id \w+$/m);

    // Machine B has no view until it reads the store; then it shows machine A's claim.
    assert.equal(fs.existsSync(b.board), false);
    assert.equal((await runCli(['status'], { env: b.env() })).code, 0);
    assert.deepEqual(claimsIn(b.board), ['alpha shop/src/cart.ts']);

    // B's long-lived watch hears A's release and claim, and rewrites B's view.
    const watch = spawn(process.execPath, [CLI, 'status', '--watch'], { env: b.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until(() => out.includes('Active claims'), 15_000, 'the first drawing');
      assert.equal((await runCli(['release', 'shop/src/cart.ts'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) })).code, 0);
      assert.equal((await runCli(['claim', 'shop/src/pay.ts'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) })).code, 0);
      await until(() => claimsIn(b.board).join() === 'alpha shop/src/pay.ts', 10_000, "machine A's new claim in B's view");
      const doc = BoardDocument.parse(read(b.board));
      assert.deepEqual(
        doc.releases.map((r) => `${r.session} ${r.path} ${r.outcome}`),
        ['alpha shop/src/cart.ts done'],
      );
    } finally {
      watch.kill('SIGTERM');
    }
  });

  it('a claim line and a pinned note a person adds to the view are shared; a conflicting line stays, reported by its line number', async () => {
    const a = machine('a');
    const b = machine('b');
    assert.equal((await runCli(['claim', 'shop/src/cart.ts'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) })).code, 0);
    assert.equal((await runCli(['status'], { env: b.env() })).code, 0);
    // A person on machine B writes in the seed's form, in the sections they belong to.
    const handClaim = '- carol (started 10:00) — shop/docs/* — eta 23:59';
    const clash = '- dave (started 10:00) — shop/src/cart.ts — eta 23:59';
    const note = "- Don't deploy shop before Friday — release review";
    const words = '- carol looks at the docs first';
    const edited = read(b.board)
      .replace(/(## Active claims\n\n(?:- .*\n)*)/, `$1${handClaim}\n${clash}\n${words}\n`)
      .replace(/## Pinned notes\n\n?/, `## Pinned notes\n\n${note}\n`);
    fs.writeFileSync(b.board, edited);

    const st = await runCli(['status'], { env: b.env() });
    assert.equal(st.code, 0, st.stderr);
    const clashLine = read(b.board).split('\n').indexOf(clash) + 1;
    assert.ok(clashLine > 0, 'the line the store did not take stays in the view as written');
    assert.match(st.stdout, new RegExp(`line ${clashLine}: not shared: shop/src/cart\\.ts is held by alpha`));
    const wordsLine = read(b.board).split('\n').indexOf(words) + 1;
    assert.ok(wordsLine > 0, 'a line that is not a claim stays too');
    assert.match(st.stdout, new RegExp(`line ${wordsLine}: not shared: `));

    // Machine A sees the person's claim and note, as the store's.
    const fromA = JSON.parse((await runCli(['status', '--json'], { env: a.env() })).stdout) as { claims: { session: string; path: string }[]; notes: { text: string }[] };
    assert.deepEqual(fromA.claims.map((c) => `${c.session} ${c.path}`).sort(), ['alpha shop/src/cart.ts', 'carol shop/docs/*']);
    assert.deepEqual(
      fromA.notes.map((n) => n.text),
      ["Don't deploy shop before Friday — release review"],
    );
    assert.deepEqual(claimsIn(a.board).sort(), ['alpha shop/src/cart.ts', 'carol shop/docs/*']);
    // The claim is the store's now: a second session is refused it, by name.
    const refused = await runCli(['claim', 'shop/docs/guide.md'], { env: a.env({ CLAIMBOARD_SESSION: 'erin' }) });
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /held by carol/);
    // Once alpha lets go, the next write on B takes the person's line.
    assert.equal((await runCli(['release', 'shop/src/cart.ts'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) })).code, 0);
    assert.equal((await runCli(['renew'], { env: b.env({ CLAIMBOARD_SESSION: 'carol' }) })).code, 0);
    const later = JSON.parse((await runCli(['status', '--json'], { env: a.env() })).stdout) as { claims: { session: string; path: string }[] };
    assert.deepEqual(later.claims.map((c) => `${c.session} ${c.path}`).sort(), ['carol shop/docs/*', 'dave shop/src/cart.ts']);
    // Nothing was copied twice: the note is shared once, on both views.
    for (const m of [a, b])
      assert.deepEqual(
        BoardDocument.parse(read(m.board)).notes.map((n) => n.text),
        ["Don't deploy shop before Friday — release review"],
      );
  });

  it('the database down: the view stays as last written, its header marked stale; the next read rewrites it', async () => {
    const a = machine('a');
    assert.equal((await runCli(['claim', 'shop/src/cart.ts'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) })).code, 0);
    const down = new URL(url);
    down.port = '1';
    const st = await runCli(['status'], { env: a.env({ CLAIMBOARD_STORE: down.toString() }) });
    assert.equal(st.code, 0, st.stderr);
    const stale = read(a.board);
    assert.match(stale, /^> This board is a view of the shared store .*\. STALE: the store has not answered since \S+; this is the last known view, rewritten when it answers\.$/m);
    assert.deepEqual(claimsIn(a.board), ['alpha shop/src/cart.ts']);
    assert.equal((await runCli(['status'], { env: a.env() })).code, 0);
    assert.doesNotMatch(read(a.board), /STALE/);
    assert.deepEqual(claimsIn(a.board), ['alpha shop/src/cart.ts']);
  });

  it('a board file that was not a view yet is kept whole beside it, not overwritten', async () => {
    const a = machine('a');
    const mine = '# Claude Session Coordination Board\n\n## Active claims\n\n- old (started 10:00) — shop/x — eta 11:00\n\nmy own words\n';
    fs.writeFileSync(a.board, mine);
    assert.equal((await runCli(['claim', 'shop/y'], { env: a.env({ CLAIMBOARD_SESSION: 'alpha' }) })).code, 0);
    assert.equal(read(path.join(a.home, 'coordination.file-board.md')), mine);
    assert.ok(read(a.board).includes(VIEW_MARK));
    assert.deepEqual(claimsIn(a.board), ['alpha shop/y']);
  });
});
