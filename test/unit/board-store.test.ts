import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoardStore, archivePathFor } from '../../src/core/board-store';
import { BoardDocument } from '../../src/core/board-format';
import { ClaimService } from '../../src/core/claim-service';
import { ROOT, runCli, tempDir, cleanEnv } from '../support/cli';

const WORKER = path.join(ROOT, 'test', 'support', 'claim-worker.ts');

function startWorker(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { child, done, output: () => out };
}

describe('board store', function () {
  this.timeout(120_000);
  let dir: string;
  let board: string;
  beforeEach(() => {
    dir = tempDir();
    board = path.join(dir, 'state', 'coordination.md');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a missing board with the seed sections on first write, and not on a read', async () => {
    const store = new BoardStore({ boardPath: board });
    assert.equal(store.read().exists, false);
    assert.equal(fs.existsSync(board), false);
    await store.update((doc) => doc.addNote('hello'));
    const text = fs.readFileSync(board, 'utf8');
    assert.match(text, /^# Claude Session Coordination Board\n\nLast updated: \d{4}-/);
    for (const s of ['## Active claims', '## Recent releases', '## Pinned notes']) assert.ok(text.includes(s), s);
    assert.ok(text.includes('- hello'));
  });

  it('writes nothing when the change leaves the board as it was', async () => {
    fs.mkdirSync(path.dirname(board), { recursive: true });
    fs.writeFileSync(board, '# hand-made\n');
    const store = new BoardStore({ boardPath: board });
    await store.update(() => undefined);
    assert.equal(fs.readFileSync(board, 'utf8'), '# hand-made\n');
  });

  it('re-applies its change on an edit made without the lock during the write, keeping both', async () => {
    fs.mkdirSync(path.dirname(board), { recursive: true });
    fs.writeFileSync(board, fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'seed-board.md')));
    const store = new BoardStore({ boardPath: board });
    let calls = 0;
    await store.update((doc) => {
      calls++;
      // Another program (a person's editor) appends a line while we hold our read.
      if (calls === 1) fs.appendFileSync(board, '\nA line typed by a person.\n');
      doc.addNote('from the tool');
    });
    const text = fs.readFileSync(board, 'utf8');
    assert.equal(calls, 2, 'the change was applied again on the new text');
    assert.ok(text.includes('A line typed by a person.'));
    assert.ok(text.includes('- from the tool'));
  });

  it('moves releases past the cap to the archive beside the board, never deleting them', async () => {
    const store = new BoardStore({ boardPath: board, releasesShown: 3 });
    await store.update((doc) => {
      doc.addReleases([1, 2, 3, 4, 5].map((i) => ({ at: new Date(2026, 4, 1, 10, i), session: 's', path: `p${i}` })));
    });
    const doc = BoardDocument.parse(fs.readFileSync(board, 'utf8'));
    assert.deepEqual(
      doc.releases.map((r) => r.path),
      ['p5', 'p4', 'p3'],
    );
    const archive = fs.readFileSync(archivePathFor(board), 'utf8');
    assert.ok(archive.includes('— p2') && archive.includes('— p1'));
    assert.equal(path.basename(archivePathFor(board)), 'coordination.archive.md');
  });

  it('8 real processes claiming 50 paths each at once end with all 400 claims', async () => {
    const go = path.join(dir, 'go');
    const workers = Array.from({ length: 8 }, (_, i) => startWorker([board, `w${i}`, '50', 'locked'], { CLAIMBOARD_TEST_GO: go }));
    await new Promise((r) => setTimeout(r, 1500));
    fs.writeFileSync(go, '');
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) assert.equal(r.code, 0, r.err);
    const doc = BoardDocument.parse(fs.readFileSync(board, 'utf8'));
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.claims.length, 400);
    assert.equal(new Set(doc.claims.map((c) => c.path)).size, 400);
  });

  it('a writer killed with SIGKILL while holding the lock leaves a whole board, and its lock is broken', async () => {
    const service = new ClaimService({ boardPath: board });
    await service.claim('session-a', { paths: ['repo/a'] });
    const before = fs.readFileSync(board, 'utf8');
    const w = startWorker([board, 'killer', '1', 'hold']);
    while (!w.output().includes('locked')) await new Promise((r) => setTimeout(r, 20));
    assert.ok(fs.existsSync(`${board}.lock`), 'the lock is held');
    w.child.kill('SIGKILL');
    await w.done;
    assert.equal(fs.readFileSync(board, 'utf8'), before, 'nothing half-written');
    // The next writer breaks the stale lock; the contract is within 10 s.
    const r = await runCli(['--board', board, '--session', 'session-b', 'claim', 'repo/b'], { timeoutMs: 10_000, env: cleanEnv() });
    assert.equal(r.signal, null, 'the claim finished before the 10 s bound');
    assert.equal(r.code, 0, r.stderr);
    const doc = BoardDocument.parse(fs.readFileSync(board, 'utf8'));
    assert.deepEqual(doc.claims.map((c) => c.path).sort(), ['repo/a', 'repo/b']);
    assert.deepEqual(doc.problems, []);
  });
});
