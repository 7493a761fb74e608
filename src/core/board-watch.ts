/**
 * Waiting for the board to change without busy-polling: the board is replaced by a rename,
 * so the folder is watched, not the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { realBoardPath } from './board-store';

/** Resolves on the next change to the board's file (or its folder's view of it), or after `timeoutMs`. */
export function waitForBoardChange(boardPath: string, timeoutMs: number): Promise<'changed' | 'timeout'> {
  // Writers rename at a symlinked board's target: that is the folder that sees the change.
  const real = realBoardPath(boardPath);
  const dir = path.dirname(real);
  const name = path.basename(real);
  return new Promise((resolve) => {
    let watcher: fs.FSWatcher | undefined;
    const done = (why: 'changed' | 'timeout') => {
      clearTimeout(timer);
      watcher?.close();
      resolve(why);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    try {
      watcher = fs.watch(dir, { persistent: true }, (_event, file) => {
        if (!file || file.toString() === name) done('changed');
      });
      watcher.on('error', () => undefined);
    } catch {
      // The folder does not exist yet: nothing can change until someone writes; the timer wakes us.
    }
  });
}
