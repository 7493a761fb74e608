import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BoardWatcher } from '../../src/extension/board-watcher';

/** Resolves on the next change the watcher reports, rejects if none comes in `ms`. */
function nextChange(counter: { waiters: Array<() => void> }, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no change reported')), ms);
    counter.waiters.push(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * A positive signal instead of a guessed sleep: a second watcher in the same folder sees a file
 * written after everything the test did. Events of one folder arrive in order, and both
 * watchers debounce alike, so once it reports, the board watcher has reported all it was going
 * to for what came before.
 */
async function sentinel(dir: string): Promise<void> {
  const file = path.join(dir, `sentinel-${Date.now()}.txt`);
  let fired!: () => void;
  const seen = new Promise<void>((r) => (fired = r));
  const probe = new BoardWatcher(file, () => fired());
  probe.start();
  try {
    // Written until seen: the probe may start watching after the first write.
    for (let i = 0; ; i++) {
      fs.writeFileSync(file, String(i));
      const got = await Promise.race([seen.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
      if (got) return;
    }
  } finally {
    probe.dispose();
  }
}

describe('BoardWatcher (extension, plain Node)', () => {
  let dir: string;
  let watcher: BoardWatcher | undefined;
  const counter = { count: 0, waiters: [] as Array<() => void> };
  const onChange = (): void => {
    counter.count++;
    for (const w of counter.waiters.splice(0)) w();
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-watch-'));
    counter.count = 0;
    counter.waiters = [];
  });
  afterEach(() => {
    watcher?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a board that appears later, in a folder that does not exist yet', async () => {
    const board = path.join(dir, 'state', 'nested', 'coordination.md');
    watcher = new BoardWatcher(board, onChange);
    watcher.start();
    await new Promise((r) => setTimeout(r, 200));
    const changed = nextChange(counter);
    fs.mkdirSync(path.dirname(board), { recursive: true });
    fs.writeFileSync(board, '# board\n');
    await changed;
    // Keeps reporting after creation: a later write is seen too.
    await new Promise((r) => setTimeout(r, 200));
    const again = nextChange(counter);
    fs.appendFileSync(board, '- x\n');
    await again;
  });

  it('reports a temp file renamed over the board and ignores its siblings', async () => {
    const board = path.join(dir, 'coordination.md');
    fs.writeFileSync(board, '# board\n');
    watcher = new BoardWatcher(board, onChange);
    watcher.start();
    await new Promise((r) => setTimeout(r, 200));

    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'coordination.md.lock'));
    await sentinel(dir);
    assert.equal(counter.count, 0, 'siblings of the board must not trigger a re-read');

    const changed = nextChange(counter);
    const tmp = path.join(dir, '.coordination.md.tmp-1');
    fs.writeFileSync(tmp, '# board\n- a\n');
    fs.renameSync(tmp, board);
    await changed;
    // A second rename is seen too (inode replaced, the watcher must not be lost).
    await new Promise((r) => setTimeout(r, 200));
    const again = nextChange(counter);
    fs.writeFileSync(tmp, '# board\n- b\n');
    fs.renameSync(tmp, board);
    await again;
  });

  it('coalesces a burst of writes into one re-read', async () => {
    const board = path.join(dir, 'coordination.md');
    fs.writeFileSync(board, '');
    watcher = new BoardWatcher(board, onChange);
    watcher.start();
    await new Promise((r) => setTimeout(r, 200));
    const changed = nextChange(counter);
    for (let i = 0; i < 5; i++) fs.appendFileSync(board, `- ${i}\n`);
    await changed;
    await sentinel(dir);
    assert.equal(counter.count, 1, 'one re-read for the burst, and none after it');
  });
});
