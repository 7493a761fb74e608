/**
 * The board on disk: every write is a read-modify-write under an inter-process lock, written
 * to a temporary file in the same folder, fsynced and renamed over the board, so concurrent
 * writers never lose an update and a crash never leaves a half-written board.
 *
 * Writers that do not take the lock (a person's editor, `sed -i`, Claude's own file tools) are
 * met three ways: a board that changed between our read and our rename gets our change applied
 * again on its text; a board that lost its structure (an editor's in-place save caught between
 * its truncate and its write) is waited for and never written back; and the board is read again
 * after the rename so a change an unlocked writer overwrote is made again. What remains: an
 * unlocked writer that read the board before our rename and renames its own copy more than
 * VERIFY_DELAY_MS after it (docs/architecture.md, "Unlocked edits").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { BoardDocument } from './board-format';
import { commitTemp, describeFileError, FileAccessError, removeOrphanTemps, writeAll, writeFileAtomic, writeTemp } from './atomic-file';
import { boardBody, decodeBoard, encodeBoard, startsWithBom } from './board-bytes';
import { acquireLock, LockBusyError } from './file-lock';
import { shellWord } from './shell-word';
import { must } from './errors';

/** A lock whose holder stopped refreshing it for this long is broken (the holder died). */
export const LOCK_STALE_MS = 5_000;
/** How long a writer waits for the lock before giving up with a clear message. */
export const LOCK_WAIT_MS = 30_000;
/** How many times a write is re-applied when someone edits the board without the lock. */
const MAX_REAPPLY = 8;
export const DEFAULT_RELEASES_SHOWN = 20;
/** How long a board that lost its structure is waited for (an editor between truncate and write). */
export const DAMAGED_WAIT_MS = 2_000;
/** A shrunken board that stays the same this long is a person's edit, not a save in progress. */
const SETTLED_MS = 750;
/** After the rename, the board is read again this much later, to catch an unlocked writer that overwrote it. */
const VERIFY_DELAY_MS = 5;

export function defaultBoardPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAIMBOARD_BOARD) return path.resolve(env.CLAIMBOARD_BOARD);
  return path.join(os.homedir(), '.claude', 'hooks', 'state', 'coordination.md');
}

function besideBoard(boardPath: string, tag: string): string {
  const ext = path.extname(boardPath);
  return path.join(path.dirname(boardPath), `${path.basename(boardPath, ext)}.${tag}${ext || '.md'}`);
}

/** `coordination.md` → `coordination.archive.md`, beside the board. */
export function archivePathFor(boardPath: string): string {
  return besideBoard(boardPath, 'archive');
}

/** `coordination.md` → `coordination.backup.md`: the board as the last write left it. */
export function backupPathFor(boardPath: string): string {
  return besideBoard(boardPath, 'backup');
}

/**
 * The file a board path really is: a symlinked board (dotfiles, a synced folder) is locked,
 * written, renamed and watched at its target, so the link stays a link and every path to the
 * board is one board.
 */
export function realBoardPath(boardPath: string): string {
  try {
    return fs.realpathSync(boardPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return boardPath;
  }
  // Not there yet: follow a dangling link to where the board will be, else resolve the folder.
  let p = boardPath;
  for (let hops = 0; hops < 40; hops++) {
    let target: string;
    try {
      target = fs.readlinkSync(p);
    } catch {
      break;
    }
    p = path.resolve(path.dirname(p), target);
  }
  try {
    return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
  } catch {
    return p;
  }
}

export class BoardLockedError extends Error {
  constructor(boardPath: string, lockTarget: string, waitedMs: number) {
    super(
      `the board ${boardPath} is locked by another process (${lockTarget}.lock) and was not released within ${(waitedMs / 1000).toFixed(1).replace(/\.0$/, '')} s; ` +
        'if no claimboard is running, remove that folder',
    );
    this.name = 'BoardLockedError';
  }
}

/** The board lost its structure (emptied, title or a section gone) and did not come back: nothing was written. */
export class BoardDamagedError extends Error {
  constructor(
    readonly boardPath: string,
    why: string,
    readonly backupPath: string,
  ) {
    super(
      `the board ${boardPath} ${why} and did not come back within ${DAMAGED_WAIT_MS / 1000} s (an editor's save cut short?); nothing was written. ` +
        `The board as the last write left it is in ${backupPath}: restore it with \`cp ${shellWord(backupPath)} ${shellWord(boardPath)}\`, or if the change is on purpose, remove ${backupPath}`,
    );
    this.name = 'BoardDamagedError';
  }
}

export interface StoreOptions {
  boardPath: string;
  ttlMs?: number;
  releasesShown?: number;
  now?: () => Date;
  /** How long a write waits for the board lock (hooks give less than their own timeout). */
  lockWaitMs?: number;
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

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

interface RawBoard {
  text: string;
  bom: boolean;
}

/** The board's text (lossless), undefined when there is no board yet. */
function readBoardFile(file: string): RawBoard | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw describeFileError('the board', file, e, 'read');
  }
  const d = decodeBoard(buf, file);
  return { text: d.text, bom: d.bom };
}

const TITLE_RE = /^#\s/m;
const SECTION_RE = /^#{2,6}\s+(active claims|recent releases|pinned notes|sessions)\s*#*\s*$/gim;

// The same checks in ASCII only: a board's bytes read as Latin-1 that pass them pass the checks
// above once decoded (the characters they match are the same bytes), so `looksCut` is false.
const ASCII_TITLE_RE = /^#[ \t\n\v\f\r]/m;
const ASCII_SECTION_RE = /^#{2,6}[ \t\v\f]+(active claims|recent releases|pinned notes|sessions)[ \t\v\f]*#*[ \t\v\f\r]*$/im;

function sectionsOf(text: string): Set<string> {
  return new Set([...text.matchAll(SECTION_RE)].map((m) => must(m[1], 'a section title').toLowerCase()));
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Cheap first look: could this board be one caught mid-save? */
function looksCut(text: string): boolean {
  return text.trim() === '' || !TITLE_RE.test(text) || sectionsOf(text).size === 0;
}

/**
 * Why `text` is not a board a write may build on, next to `reference` (the board before the
 * last write): 'hard' never goes back to the board; 'soft' (far fewer lines) is accepted once it
 * has stayed the same a while, since a person may delete many claims at once.
 */
function lostStructure(text: string, reference: string | undefined): { why: string; hard: boolean; unknown?: boolean } | undefined {
  // No backup yet (nothing written by claimboard so far): an empty board may be an editor's save
  // caught between its truncate and its write, or a board someone emptied. Wait the whole spell
  // for it to fill, then take it as it is: building on it at once erased a hand-made board.
  if (reference === undefined || reference.trim() === '') return text.trim() === '' ? { why: 'is empty', hard: false, unknown: true } : undefined;
  if (text.trim() === '') return { why: 'is empty', hard: true };
  if (TITLE_RE.test(reference) && !TITLE_RE.test(text)) return { why: 'lost its title line', hard: true };
  const now = sectionsOf(text);
  for (const s of sectionsOf(reference)) if (!now.has(s)) return { why: `lost its "${s.replace(/(^|\s)\w/g, (c) => c.toUpperCase())}" section`, hard: true };
  const had = countLines(reference);
  const has = countLines(text);
  if (had >= 20 && has * 2 < had) return { why: `shrank from ${had} to ${has} lines`, hard: false };
  return undefined;
}

/**
 * Writes an empty board (the seed's title and sections, as `BoardDocument.create` fixes them)
 * at `boardPath` when there is no file there, and says whether it did. It never replaces a
 * file: the finished board is hard-linked into place, which fails when anything (a board a
 * session wrote a moment ago) is already there. Where the file system has no hard links, the
 * check and the rename happen under the board's lock, as every locked writer's do.
 */
export async function createBoardIfMissing(boardPath: string, now: Date = new Date()): Promise<boolean> {
  const real = realBoardPath(path.resolve(boardPath));
  try {
    fs.mkdirSync(path.dirname(real), { recursive: true });
  } catch (e) {
    throw describeFileError('the board', real, e);
  }
  const tmp = writeTemp(real, encodeBoard(BoardDocument.create(now).serialize(), false), 'the board');
  try {
    fs.linkSync(tmp, real);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw describeFileError('the board', real, e);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  let release: () => Promise<void>;
  try {
    release = await acquireLock(real, { budgetMs: LOCK_WAIT_MS, staleMs: LOCK_STALE_MS, onCompromised: () => undefined });
  } catch (e) {
    if (e instanceof LockBusyError) throw new BoardLockedError(boardPath, real, LOCK_WAIT_MS);
    throw describeFileError('the board', real, e);
  }
  try {
    if (fs.existsSync(real)) return false;
    writeFileAtomic(real, encodeBoard(BoardDocument.create(now).serialize(), false), 'the board');
    return true;
  } finally {
    await release().catch(() => undefined);
  }
}

export class BoardStore {
  readonly boardPath: string;
  readonly ttlMs: number | undefined;
  readonly releasesShown: number;
  readonly lockWaitMs: number;
  private readonly now: () => Date;

  constructor(opts: StoreOptions) {
    this.boardPath = path.resolve(opts.boardPath);
    this.ttlMs = opts.ttlMs;
    this.releasesShown = opts.releasesShown ?? DEFAULT_RELEASES_SHOWN;
    this.lockWaitMs = opts.lockWaitMs ?? LOCK_WAIT_MS;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * The file the board really is: a symlinked board (dotfiles, a synced folder) is locked,
   * written and renamed at its target, so the link stays a link and every path to the board
   * takes the same lock.
   */
  realBoardPath(): string {
    return realBoardPath(this.boardPath);
  }

  private parse(text: string | undefined, now: Date): BoardDocument {
    return text === undefined ? BoardDocument.create(now, { ttlMs: this.ttlMs }) : BoardDocument.parse(text, { now, ttlMs: this.ttlMs });
  }

  private readReference(real: string): string | undefined {
    try {
      return readBoardFile(backupPathFor(real))?.text;
    } catch {
      return undefined;
    }
  }

  /**
   * Reads without the lock: the rename makes every read see a whole board. A board that looks
   * cut short (empty, no title or sections) next to its backup is waited for, then refused:
   * a guard must not read "every path is free" off an editor's half-saved file.
   */
  read(): Snapshot {
    const now = this.now();
    const { text, exists } = this.readText();
    return { doc: this.parse(exists ? text : undefined, now), exists, text };
  }

  /**
   * The board for the hot read (`BoardDocument.claimsIn`): its bytes, and the same bytes one
   * character each (Latin-1), so a large board is not decoded whole (decoding 1.2 MB of UTF-8 was
   * the largest part of reading 10,000 claims). A board that may be cut short (the ASCII title
   * and section checks fail), or whose body starts with a second byte order mark, is read as
   * `readText` reads it.
   */
  readForScan(): { text: string; bytes?: Uint8Array; exists: boolean } {
    const real = this.realBoardPath();
    let buf: Buffer;
    try {
      buf = fs.readFileSync(real);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.readText();
      throw describeFileError('the board', real, e, 'read');
    }
    const { body } = boardBody(buf, real);
    const latin1 = Buffer.from(body.buffer, body.byteOffset, body.length).toString('latin1');
    if (startsWithBom(body) || !ASCII_TITLE_RE.test(latin1) || !ASCII_SECTION_RE.test(latin1)) return this.readText();
    return { text: latin1, bytes: body, exists: true };
  }

  /** The board's text as `read` finds it (waiting out a cut board), without parsing it; '' when there is none. */
  readText(): { text: string; exists: boolean } {
    const real = this.realBoardPath();
    let raw = readBoardFile(real);
    if (raw && looksCut(raw.text)) {
      const reference = this.readReference(real);
      const deadline = Date.now() + DAMAGED_WAIT_MS;
      let lost = lostStructure(raw.text, reference);
      while ((lost?.hard || lost?.unknown) && Date.now() < deadline) {
        sleepSync(50);
        raw = readBoardFile(real);
        lost = raw ? lostStructure(raw.text, reference) : undefined;
      }
      if (lost?.hard) throw new BoardDamagedError(this.boardPath, lost.why, backupPathFor(real));
    }
    return { text: raw?.text ?? '', exists: raw !== undefined };
  }

  /**
   * Applies `mutate` to the current board under the lock and writes the result. `mutate` may
   * run more than once (when the board was edited by hand meanwhile) and must only change the
   * document it is given. Nothing is written when it leaves the document unchanged.
   */
  async update<T>(mutate: (doc: BoardDocument, now: Date) => T): Promise<T> {
    const real = this.realBoardPath();
    try {
      fs.mkdirSync(path.dirname(real), { recursive: true });
    } catch (e) {
      throw describeFileError('the board', real, e);
    }
    const started = Date.now();
    let compromised: Error | undefined;
    let release: () => Promise<void>;
    try {
      release = await acquireLock(real, {
        budgetMs: this.lockWaitMs,
        staleMs: LOCK_STALE_MS,
        onCompromised: (err) => {
          compromised = err;
        },
      });
    } catch (e) {
      if (e instanceof LockBusyError) throw new BoardLockedError(this.boardPath, real, this.lockWaitMs);
      throw describeFileError('the board', real, e);
    }
    try {
      const reference = this.readReference(real);
      for (let attempt = 0; ; attempt++) {
        const now = this.now();
        const beforeRaw = await this.readWhole(real, reference, started);
        const before = beforeRaw?.text;
        const doc = this.parse(before, now);
        const untouched = doc.serialize();
        const result = mutate(doc, now);
        if (doc.serialize() === untouched) return result;
        const archived = doc.trimReleases(this.releasesShown);
        doc.setLastUpdated(now);
        const written = doc.serialize();
        const bytes = encodeBoard(written, beforeRaw?.bom ?? false);
        const tmp = writeTemp(real, bytes, 'the board');
        // Someone (a person, an editor, Claude's own file tools) changed the board without
        // the lock since we read it: apply our change again on their text instead of losing it.
        if (readBoardFile(real)?.text !== before && attempt < MAX_REAPPLY) {
          fs.rmSync(tmp, { force: true });
          continue;
        }
        if (compromised) {
          fs.rmSync(tmp, { force: true });
          throw new Error(`lost the lock on the board ${this.boardPath} while writing (${compromised.message}); nothing was written`);
        }
        if (archived.length > 0) this.appendArchive(real, archived, now);
        commitTemp(tmp, real, 'the board');
        // The board as written, beside it: what a person wrote (and every claim) survives a bad save after ours.
        this.keepBackup(real, bytes);
        removeOrphanTemps(real);
        // An unlocked writer (`sed -i`) that read before our rename may rename its copy over ours.
        if (attempt < MAX_REAPPLY && !(await this.survived(real, before ?? '', written))) continue;
        return result;
      }
    } finally {
      await release().catch(() => undefined);
    }
  }

  /** The board, waiting out an in-place save that emptied or cut it; throws when it stays cut. */
  private async readWhole(real: string, reference: string | undefined, started: number): Promise<RawBoard | undefined> {
    let raw = readBoardFile(real);
    if (raw === undefined) return undefined;
    let lost = lostStructure(raw.text, reference);
    if (!lost) return raw;
    const deadline = Math.min(Date.now() + DAMAGED_WAIT_MS, started + this.lockWaitMs);
    let stableSince = Date.now();
    for (;;) {
      await sleep(50);
      const next = readBoardFile(real);
      if (next === undefined) return undefined;
      if (next.text !== raw.text) stableSince = Date.now();
      raw = next;
      lost = lostStructure(raw.text, reference);
      if (!lost) return raw;
      if (!lost.hard && !lost.unknown && Date.now() - stableSince >= SETTLED_MS) {
        // A person cut the board down on purpose: keep the longer one under its own name, for good.
        this.keepAside(real);
        return raw;
      }
      if (Date.now() >= deadline) {
        if (lost.unknown) return raw;
        if (lost.hard) throw new BoardDamagedError(this.boardPath, lost.why, backupPathFor(real));
        this.keepAside(real);
        return raw;
      }
    }
  }

  /** True when every line our write added is still there and every line it removed is still gone. */
  private async survived(real: string, before: string, written: string): Promise<boolean> {
    const added = lineDiff(written, before);
    const removed = lineDiff(before, written);
    for (const delay of [0, VERIFY_DELAY_MS]) {
      if (delay) await sleep(delay);
      let now: string | undefined;
      try {
        now = readBoardFile(real)?.text;
      } catch {
        return true;
      }
      if (now === undefined || now === written) continue;
      const lines = lineCounts(now);
      for (const [l, n] of added) if ((lines.get(l) ?? 0) < n) return false;
      for (const [l] of removed) if ((lines.get(l) ?? 0) > 0 && !added.has(l)) return false;
    }
    return true;
  }

  private keepBackup(real: string, bytes: Uint8Array): void {
    try {
      writeFileAtomic(backupPathFor(real), bytes, 'the board backup');
    } catch (e) {
      // A full disk must not stop the claim only because its backup did not fit; the board's
      // own write reports it if it does not fit either.
      if (!(e instanceof FileAccessError)) throw e;
    }
  }

  private keepAside(real: string): void {
    const from = backupPathFor(real);
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    try {
      fs.copyFileSync(from, besideBoard(real, `backup-${stamp}`), fs.constants.COPYFILE_EXCL);
    } catch {
      /* nothing to keep */
    }
  }

  private appendArchive(real: string, lines: string[], now: Date): void {
    const file = archivePathFor(real);
    const header = fs.existsSync(file) ? '' : '# Coordination board archive\n\nReleases moved off the board, newest first within each batch.\n';
    try {
      const fd = fs.openSync(file, 'a');
      try {
        writeAll(fd, encodeBoard(`${header}\n<!-- archived ${now.toISOString()} -->\n${lines.join('\n')}\n`, false));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      throw describeFileError('the board archive', file, e);
    }
  }
}

function lineCounts(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of text.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

/** Lines of `a` (with their count) that `b` has fewer of; `Last updated:` is not a change. */
function lineDiff(a: string, b: string): Map<string, number> {
  const inB = lineCounts(b);
  const out = new Map<string, number>();
  for (const [l, n] of lineCounts(a)) {
    if (/^\s*Last updated:/i.test(l)) continue;
    const more = n - (inB.get(l) ?? 0);
    if (more > 0) out.set(l, n);
  }
  return out;
}
