// Issue 15, the Claims view with no board: Create Board writes the seed's empty board through
// the core, and never replaces a board that is already there.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoardStore, createBoardIfMissing } from '../../src/core/board-store';
import { BoardDocument } from '../../src/core/board-format';
import { tempDir } from '../support/cli';

describe('createBoardIfMissing', () => {
  let dir: string;
  let board: string;
  beforeEach(() => {
    dir = tempDir();
    board = path.join(dir, 'state', 'coordination.md');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the empty board a first write would (title, Last updated, the three sections) and leaves no temporary file', async () => {
    const now = new Date('2026-04-27T23:42:00Z');
    assert.equal(await createBoardIfMissing(board, now), true);
    const text = fs.readFileSync(board, 'utf8');
    assert.equal(text, BoardDocument.create(now).serialize());
    assert.match(text, /^# Claude Session Coordination Board\n\nLast updated: 2026-04-2\d/);
    for (const s of ['## Active claims', '## Recent releases', '## Pinned notes']) assert.ok(text.includes(`\n${s}\n`), s);
    assert.deepEqual(fs.readdirSync(path.dirname(board)), ['coordination.md']);
    const snap = new BoardStore({ boardPath: board }).read();
    assert.equal(snap.exists, true);
    assert.deepEqual(snap.doc.problems, []);
  });

  it('never replaces a board that is there, even an empty or hand-written one', async () => {
    fs.mkdirSync(path.dirname(board), { recursive: true });
    for (const mine of ['', '# my own notes\n\n- keep me\n']) {
      fs.writeFileSync(board, mine);
      assert.equal(await createBoardIfMissing(board), false);
      assert.equal(fs.readFileSync(board, 'utf8'), mine);
      assert.deepEqual(fs.readdirSync(path.dirname(board)), ['coordination.md']);
    }
  });

  it('creates the board a symlink points at, and keeps the link', async () => {
    const target = path.join(dir, 'synced', 'board.md');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.mkdirSync(path.dirname(board), { recursive: true });
    fs.symlinkSync(target, board);
    assert.equal(await createBoardIfMissing(board), true);
    assert.ok(fs.lstatSync(board).isSymbolicLink());
    assert.match(fs.readFileSync(target, 'utf8'), /^# Claude Session Coordination Board\n/);
  });
});
