import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { debounce, type Debounced } from './debounce';

/**
 * A writer renames a temp file over the board and may touch the lock beside it: coalesce the
 * burst into one re-read. Short enough that a CLI claim shows in the explorer within 300 ms.
 */
export const BOARD_CHANGE_DEBOUNCE_MS = 40;

/**
 * Watches one board file that lives outside the workspace (so VS Code's own file watcher does
 * not see it). The board may not exist yet, nor its folder: the watcher sits on the nearest
 * existing ancestor and ignores everything that is not on the way to the board, so atomic
 * renames, deletes and late creation all end up as one `onChange` call.
 */
export class BoardWatcher {
  private watcher: FSWatcher | undefined;
  private readonly fire: Debounced;
  private disposed = false;

  constructor(
    private readonly boardPath: string,
    onChange: () => void,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.fire = debounce(() => {
      if (!this.disposed) onChange();
    }, BOARD_CHANGE_DEBOUNCE_MS);
  }

  start(): void {
    const board = path.resolve(this.boardPath);
    const root = nearestExistingAncestor(path.dirname(board));
    const onTheWay = (p: string): boolean => {
      const abs = path.resolve(p);
      return abs === board || board.startsWith(abs.endsWith(path.sep) ? abs : abs + path.sep);
    };
    const depth = Math.max(0, path.relative(root, board).split(path.sep).length - 1);
    this.watcher = watch(root, {
      ignoreInitial: true,
      depth,
      ignored: (p: string) => !onTheWay(p),
      // The board is read whole after each change: no need for chokidar's own write tracking.
      awaitWriteFinish: false,
      atomic: false,
    });
    const onEvent = (event: string, p: string): void => {
      const abs = path.resolve(p);
      if (abs === board) this.fire();
      else if (event === 'addDir') this.fire(); // the board's folder appeared: the board may follow
    };
    this.watcher.on('all', onEvent);
    this.watcher.on('error', (err) => this.log(`board watcher: ${String(err)}`));
    this.log(`watching ${board} (from ${root})`);
  }

  dispose(): void {
    this.disposed = true;
    this.fire.cancel();
    void this.watcher?.close();
    this.watcher = undefined;
  }
}

function nearestExistingAncestor(dir: string): string {
  let current = dir;
  for (;;) {
    try {
      if (fs.statSync(current).isDirectory()) return current;
    } catch {
      // not there yet: try its parent
    }
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}
