/**
 * The board on disk: every write is a read-modify-write under an inter-process lock, written
 * to a temporary file in the same folder, fsynced and renamed over the board, so concurrent
 * writers never lose an update and a crash never leaves a half-written board.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import type * as ProperLockfile from 'proper-lockfile';
import { BoardDocument } from './board-format';

/** A lock whose holder stopped refreshing it for this long is broken (the holder died). */
export const LOCK_STALE_MS = 5_000;
/** How long a writer waits for the lock before giving up with a clear message. */
export const LOCK_WAIT_MS = 30_000;
/** How many times a write is re-applied when someone edits the board without the lock. */
const MAX_REAPPLY = 8;
export const DEFAULT_RELEASES_SHOWN = 20;

export function defaultBoardPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAIMBOARD_BOARD) return path.resolve(env.CLAIMBOARD_BOARD);
  return path.join(os.homedir(), '.claude', 'hooks', 'state', 'coordination.md');
}

/** `coordination.md` → `coordination.archive.md`, beside the board. */
export function archivePathFor(boardPath: string): string {
  const ext = path.extname(boardPath);
  return path.join(path.dirname(boardPath), `${path.basename(boardPath, ext)}.archive${ext || '.md'}`);
}

export class BoardLockedError extends Error {
  constructor(boardPath: string) {
    super(`the board is locked by another process (${boardPath}.lock) and was not released within ${LOCK_WAIT_MS / 1000}s; ` +
      'if no claimboard is running, remove that folder');
    this.name = 'BoardLockedError';
  }
}

export interface StoreOptions {
  boardPath: string;
  ttlMs?: number;
  releasesShown?: number;
  now?: () => Date;
}

export interface Snapshot {
  doc: BoardDocument;
  /** False when the board file does not exist yet (the document is the empty seed board). */
  exists: boolean;
  text: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export class BoardStore {
  readonly boardPath: string;
  readonly ttlMs: number | undefined;
  readonly releasesShown: number;
  private readonly now: () => Date;

  constructor(opts: StoreOptions) {
    this.boardPath = path.resolve(opts.boardPath);
    this.ttlMs = opts.ttlMs;
    this.releasesShown = opts.releasesShown ?? DEFAULT_RELEASES_SHOWN;
    this.now = opts.now ?? (() => new Date());
  }

  private parse(text: string | undefined, now: Date): BoardDocument {
    return text === undefined ? BoardDocument.create(now, { ttlMs: this.ttlMs }) : BoardDocument.parse(text, { now, ttlMs: this.ttlMs });
  }

  /** Reads without the lock: the rename makes every read see a whole board. */
  read(): Snapshot {
    const now = this.now();
    const text = readText(this.boardPath);
    return { doc: this.parse(text, now), exists: text !== undefined, text: text ?? '' };
  }

  /**
   * Applies `mutate` to the current board under the lock and writes the result. `mutate` may
   * run more than once (when the board was edited by hand meanwhile) and must only change the
   * document it is given. Nothing is written when it leaves the document unchanged.
   */
  async update<T>(mutate: (doc: BoardDocument, now: Date) => T): Promise<T> {
    fs.mkdirSync(path.dirname(this.boardPath), { recursive: true });
    let compromised: Error | undefined;
    const release = await this.lock((err) => { compromised = err; });
    try {
      for (let attempt = 0; ; attempt++) {
        const now = this.now();
        const before = readText(this.boardPath);
        const doc = this.parse(before, now);
        const untouched = doc.serialize();
        const result = mutate(doc, now);
        if (doc.serialize() === untouched) return result;
        const archived = doc.trimReleases(this.releasesShown);
        doc.setLastUpdated(now);
        const tmp = this.writeTemp(doc.serialize());
        // Someone (a person, an editor, Claude's own file tools) changed the board without
        // the lock since we read it: apply our change again on their text instead of losing it.
        if (readText(this.boardPath) !== before && attempt < MAX_REAPPLY) {
          fs.rmSync(tmp, { force: true });
          continue;
        }
        if (compromised) {
          fs.rmSync(tmp, { force: true });
          throw new Error(`lost the board lock while writing (${compromised.message}); nothing was written`);
        }
        if (archived.length > 0) this.appendArchive(archived, now);
        fs.renameSync(tmp, this.boardPath);
        this.syncDir();
        this.removeOrphanTemps();
        return result;
      }
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async lock(onCompromised: (err: Error) => void): Promise<() => Promise<void>> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let delay = 5;
    for (;;) {
      try {
        // Loaded here, not at start-up: most claimboard processes (hook checks) only read.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const lockfile = require('proper-lockfile') as typeof ProperLockfile;
        return await lockfile.lock(this.boardPath, {
          realpath: false,
          stale: LOCK_STALE_MS,
          update: 1_000,
          retries: 0,
          onCompromised,
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
        if (Date.now() > deadline) throw new BoardLockedError(this.boardPath);
        // Jittered backoff so many waiting writers do not wake in lockstep.
        await sleep(delay / 2 + Math.random() * delay);
        delay = Math.min(delay * 1.5, 100);
      }
    }
  }

  private writeTemp(text: string): string {
    const dir = path.dirname(this.boardPath);
    const tmp = path.join(dir, `.${path.basename(this.boardPath)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
    let mode = 0o644;
    try { mode = fs.statSync(this.boardPath).mode & 0o777; } catch { /* new board */ }
    const fd = fs.openSync(tmp, 'wx', mode);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return tmp;
  }

  /** Temp files of writers killed before their rename; only ours can be named with a dead pid. */
  private removeOrphanTemps(): void {
    const prefix = `.${path.basename(this.boardPath)}.`;
    let names: string[];
    try { names = fs.readdirSync(path.dirname(this.boardPath)); } catch { return; }
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const pid = Number(name.slice(prefix.length).split('.')[0]);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      try { process.kill(pid, 0); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(path.dirname(this.boardPath), name), { force: true });
      }
    }
  }

  private appendArchive(lines: string[], now: Date): void {
    const file = archivePathFor(this.boardPath);
    const header = fs.existsSync(file) ? '' : '# Coordination board archive\n\nReleases moved off the board, newest first within each batch.\n';
    const fd = fs.openSync(file, 'a');
    try {
      fs.writeSync(fd, `${header}\n<!-- archived ${now.toISOString()} -->\n${lines.join('\n')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private syncDir(): void {
    try {
      const fd = fs.openSync(path.dirname(this.boardPath), 'r');
      try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    } catch {
      // Some file systems refuse to fsync a directory; the rename itself is still atomic.
    }
  }
}
