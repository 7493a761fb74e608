/**
 * The seam every adapter (CLI, hooks, git guard, MCP, VS Code) talks to: where claims live is
 * the store's business, what a conflict is and when a lease ends stays the core's. The file
 * board (the default) and the PostgreSQL store (src/store-pg) both implement it; the shared
 * store tests (test/unit/claim-store-suite.ts) run against both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Claim, ClaimMode, PinnedNote, Problem, SessionRecord, BoardEvent } from './model';
import { ClaimService, type BoardView, type HandOverRequest, type ClaimRequest, type ClaimResult, type Conflict, type RenewResult, type ServiceOptions } from './claim-service';
import { defaultConfigPath } from './config-path';
import { InputError } from './errors';
import { waitForBoardChange } from './board-watch';
import { writeFileAtomic } from './atomic-file';
import { nodeCrypto } from './node-crypto';
import { acquireLock } from './file-lock';
import { LOCK_STALE_MS } from './board-store';
import { isSharedView, notSharedProblems, readViewText, renderSharedView, staleMarkLine, withViewMark, type SharedBoardState } from './shared-view';

export type ExpireEvent = Extract<BoardEvent, { kind: 'expire' }>;

export interface LapsedClaim {
  key: string;
  /** The claim that covered it, as written, its end and its fencing number. */
  path: string;
  at: Date;
  fence: number;
}

export type { HandOverRequest };
export interface HandOverResult {
  holds: boolean;
  takenOver: Claim[];
  granted?: Claim;
}

export interface ClaimStore {
  /** The markdown board: the store itself (file) or every machine's view of it (shared). */
  readonly boardPath: string;
  /** Where claims live, safe to print (a password masked). */
  readonly where: string;
  status(): Promise<BoardView>;
  /** Read-only: is each path free for this session (or for anyone, without a session)? */
  check(session: string | undefined, paths: string[], mode?: ClaimMode, opts?: { files?: readonly string[] }): Promise<Conflict[]>;
  /** The live claims that could touch these paths and the session's own, and the sessions. */
  near(paths: string[], session?: string): Promise<{ claims: Claim[]; sessions: SessionRecord[]; exists: boolean }>;
  claim(session: string, req: ClaimRequest): Promise<ClaimResult>;
  release(session: string, paths: string[] | 'all', outcome?: string): Promise<{ released: Claim[]; notHeld: string[] }>;
  /**
   * The person said yes to `to`'s question about `path`: `from`'s claims on it end as `taken over
   * by <to> (approved by @<person>)` and `to` holds it, in one write; safe to repeat.
   */
  handOver(req: HandOverRequest): Promise<HandOverResult>;
  renew(session: string, ttlMs?: number): Promise<RenewResult>;
  addNote(text: string): Promise<void>;
  removeNote(n: number): Promise<PinnedNote>;
  prune(): Promise<ExpireEvent[]>;
  endSession(name: string, externalId?: string): Promise<Claim[]>;
  registerSession(rec: Omit<SessionRecord, 'line'>): Promise<void>;
  registerSessionChosen<T extends Omit<SessionRecord, 'line'>>(choose: (view: { sessions: SessionRecord[]; claims: Claim[] }, now: Date) => T): Promise<T>;
  /**
   * The fencing check (git guard): the keys the session holds no live claim on, whose last claim
   * covering them ended by its lease running out (not by a release). The board file keeps no
   * fencing numbers and answers none.
   */
  lapsed(session: string, keys: string[]): Promise<LapsedClaim[]>;
  /** Lets go of connections; the file board holds none. */
  close(): Promise<void>;
  /**
   * Resolves on the store's next change or after `timeoutMs` (a shared store hears other
   * machines' writes); without it, waiters watch the board file.
   */
  changed?(timeoutMs: number): Promise<'changed' | 'timeout'>;
}

/** The file board as a ClaimStore: today's ClaimService, unchanged. */
export class FileClaimStore implements ClaimStore {
  readonly service: ClaimService;
  constructor(opts: ServiceOptions | ClaimService) {
    this.service = opts instanceof ClaimService ? opts : new ClaimService(opts);
  }
  get boardPath(): string {
    return this.service.boardPath;
  }
  get where(): string {
    return describeStore({ kind: 'file' }, this.service.boardPath);
  }
  async status(): Promise<BoardView> {
    return this.service.status();
  }
  async check(session: string | undefined, paths: string[], mode?: ClaimMode, opts?: { files?: readonly string[] }): Promise<Conflict[]> {
    return this.service.check(session, paths, mode, opts);
  }
  async near(paths: string[], session?: string) {
    return this.service.near(paths, session);
  }
  async handOver(req: HandOverRequest): Promise<HandOverResult> {
    return this.service.handOver(req);
  }
  claim(session: string, req: ClaimRequest): Promise<ClaimResult> {
    return this.service.claim(session, req);
  }
  release(session: string, paths: string[] | 'all', outcome?: string) {
    return this.service.release(session, paths, outcome);
  }
  renew(session: string, ttlMs?: number): Promise<RenewResult> {
    return this.service.renew(session, ttlMs);
  }
  addNote(text: string): Promise<void> {
    return this.service.addNote(text);
  }
  removeNote(n: number): Promise<PinnedNote> {
    return this.service.removeNote(n);
  }
  prune(): Promise<ExpireEvent[]> {
    return this.service.prune();
  }
  endSession(name: string, externalId?: string): Promise<Claim[]> {
    return this.service.endSession(name, externalId);
  }
  registerSession(rec: Omit<SessionRecord, 'line'>): Promise<void> {
    return this.service.registerSession(rec);
  }
  registerSessionChosen<T extends Omit<SessionRecord, 'line'>>(choose: (view: { sessions: SessionRecord[]; claims: Claim[] }, now: Date) => T): Promise<T> {
    return this.service.registerSessionChosen(choose);
  }
  async lapsed(): Promise<LapsedClaim[]> {
    return [];
  }
  async close(): Promise<void> {
    /* nothing held open */
  }
}

/**
 * The shared store cannot be reached (or failed mid-transaction, which then rolled back):
 * nothing was written. The message names the store, its password masked.
 */
const STORE_UNAVAILABLE = Symbol.for('claimboard.StoreUnavailableError');

export class StoreUnavailableError extends Error {
  readonly [STORE_UNAVAILABLE] = true;
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }

  /** Thrown by the shared store's own bundle (dist/store-pg.js): known by its mark, as InputError is. */
  static [Symbol.hasInstance](x: unknown): x is StoreUnavailableError {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[STORE_UNAVAILABLE] === true;
  }
}

// ---------------------------------------------------------------- choosing the store

export const STORE_ENV = 'CLAIMBOARD_STORE';
export const STORE_BOARD_ENV = 'CLAIMBOARD_STORE_BOARD';
/** The person's override while the shared store is unreachable: `allow` lets every edit through unchecked. */
export const STORE_OFFLINE_ENV = 'CLAIMBOARD_STORE_OFFLINE';
export const DEFAULT_SHARED_BOARD = 'default';

export type StoreChoice =
  | { kind: 'file' }
  | {
      kind: 'postgres';
      /** The connection URL as given: never printed, `shown` is. */
      url: string;
      /** The URL with its password masked. */
      shown: string;
      /** Which board of the database (several share one). */
      board: string;
      /** Where the setting came from, for `store status`. */
      source: string;
      /** The config file (it may not exist): the store keeps its private files beside it. */
      configPath?: string;
    };

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`: what every message shows. */
export function maskStoreUrl(url: string): string {
  const parsed = parseStoreUrl(url);
  if (!parsed) {
    // Not a URL: mask anything between `:` and `@` after the scheme.
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
  const u = parsed.url;
  if (u.password) u.password = '***';
  for (const k of ['password', 'sslpassword']) if (u.searchParams.has(k)) u.searchParams.set(k, '***');
  return parsed.hostless ? u.toString().replace(HOSTLESS, '$1') : u.toString();
}

/** Replaces the URL's password wherever it appears in a message (a driver may quote it). */
export function maskStoreText(text: string, url: string): string {
  let out = text.split(url).join(maskStoreUrl(url));
  const u = parseStoreUrl(url)?.url;
  for (const pw of u ? [safeDecode(u.password), u.searchParams.get('password') ?? ''] : []) if (pw.length >= 3) out = out.split(pw).join('***');
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const BOARD_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/**
 * Which store this process uses: `CLAIMBOARD_STORE` (and `CLAIMBOARD_STORE_BOARD`), else
 * `store.url` (and `store.board`) in the config file, else the file board. A config file that
 * holds a password must be private (the Mattermost token's rule). Bad settings: InputError.
 */
export function chooseStore(env: NodeJS.ProcessEnv = process.env, configPath: string = env.CLAIMBOARD_CONFIG ?? defaultConfigPath(env)): StoreChoice {
  let url = env[STORE_ENV]?.trim() || undefined;
  let board = env[STORE_BOARD_ENV]?.trim() || undefined;
  let source = `$${STORE_ENV}`;
  if (!url) {
    const file = readStoreSection(configPath);
    url = file.url;
    board ??= file.board;
    source = configPath;
  } else if (!board) {
    board = readStoreSection(configPath, true).board;
  }
  if (!url || url === 'file') return { kind: 'file' };
  const parsed = parseStoreUrl(url)?.url;
  if (!parsed) throw new InputError(`${source}: store URL ${maskStoreUrl(url)} is not a URL (postgres://user@host:5432/db)`);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InputError(`${source}: store URL ${maskStoreUrl(url)} is not postgres://… (unset ${STORE_ENV} for the board file)`);
  }
  board ??= DEFAULT_SHARED_BOARD;
  if (!BOARD_NAME.test(board)) throw new InputError(`store board name "${board.slice(0, 80)}" must be letters, digits, . _ - (at most 63)`);
  return { kind: 'postgres', url, shown: maskStoreUrl(url), board, source, configPath };
}

/**
 * The store URL as a URL. libpq's form for a local server's Unix socket leaves the host empty and
 * names the socket's folder in the query (`postgresql://me@/db?host=/run/postgresql`), which the
 * WHATWG parser refuses once the URL has a user: it is read with a placeholder host (`hostless`).
 */
function parseStoreUrl(url: string): { url: URL; hostless: boolean } | undefined {
  try {
    return { url: new URL(url), hostless: false };
  } catch {
    /* perhaps libpq's form without a host */
  }
  const placed = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*@)(?=[/?#]|$)/i, `$1${PLACEHOLDER_HOST}`);
  if (placed === url) return undefined;
  try {
    return { url: new URL(placed), hostless: true };
  } catch {
    return undefined;
  }
}

const PLACEHOLDER_HOST = 'claimboard-no-host';
const HOSTLESS = new RegExp(`^([a-z][a-z0-9+.-]*://[^/?#@]*@)${PLACEHOLDER_HOST}`, 'i');

function readStoreSection(configPath: string, boardOnly = false): { url?: string; board?: string } {
  let text: string;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`cannot read ${configPath}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message can quote the file's text, which may hold the password.
    throw new InputError(`${configPath} is not valid JSON`);
  }
  const section = (parsed as { store?: unknown } | null)?.store;
  if (section === undefined) return {};
  if (typeof section !== 'object' || section === null || Array.isArray(section)) throw new InputError(`${configPath}: "store" must be an object`);
  const out: { url?: string; board?: string } = {};
  for (const key of ['url', 'board'] as const) {
    const v = (section as Record<string, unknown>)[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new InputError(`${configPath}: store.${key} must be a string`);
    out[key] = v.trim();
  }
  if (boardOnly) return { board: out.board };
  if (out.url && hasPassword(out.url) && process.platform !== 'win32') {
    const mode = fs.statSync(configPath).mode & 0o777;
    if (mode & 0o077) {
      throw new InputError(`${configPath} holds the store's password but other users can read it (mode ${mode.toString(8)}): run \`chmod 600 ${configPath}\``);
    }
  }
  return out;
}

function hasPassword(url: string): boolean {
  const u = parseStoreUrl(url)?.url;
  if (!u) return /\/\/[^:/@]*:[^@]+@/.test(url);
  return u.password !== '' || u.searchParams.has('password');
}

/**
 * A store whose implementation is loaded on first use: a command that never touches the board
 * never loads the database client, and the adapters keep a synchronous factory.
 */
export function lazyStore(boardPath: string, where: string, load: () => Promise<ClaimStore>): ClaimStore {
  let loaded: Promise<ClaimStore> | undefined;
  const get = (): Promise<ClaimStore> => (loaded ??= load());
  return {
    boardPath,
    where,
    status: async () => (await get()).status(),
    check: async (session, paths, mode, opts) => (await get()).check(session, paths, mode, opts),
    near: async (paths, session) => (await get()).near(paths, session),
    claim: async (session, req) => (await get()).claim(session, req),
    release: async (session, paths, outcome) => (await get()).release(session, paths, outcome),
    handOver: async (req) => (await get()).handOver(req),
    renew: async (session, ttlMs) => (await get()).renew(session, ttlMs),
    addNote: async (text) => (await get()).addNote(text),
    removeNote: async (n) => (await get()).removeNote(n),
    prune: async () => (await get()).prune(),
    endSession: async (name, externalId) => (await get()).endSession(name, externalId),
    registerSession: async (rec) => (await get()).registerSession(rec),
    registerSessionChosen: async (choose) => (await get()).registerSessionChosen(choose),
    lapsed: async (session, keys) => (await get()).lapsed(session, keys),
    close: async () => {
      if (loaded) await (await loaded).close();
    },
    changed: async (timeoutMs) => {
      const s = await get();
      return s.changed ? s.changed(timeoutMs) : waitForBoardChange(boardPath, timeoutMs);
    },
  };
}

/** What `where` says for a choice: the one wording every message uses (password masked). */
export function describeStore(choice: StoreChoice, boardPath: string): string {
  return choice.kind === 'file' ? `the board file ${boardPath}` : `the shared store ${choice.shown} (board ${choice.board})`;
}

// ---------------------------------------------------------------- the last known view

/**
 * What a machine last saw of the shared store, kept beside its board
 * (`coordination.shared-view.json`): what `status` shows, marked stale, and what the edit guard
 * decides by, while the database cannot be reached.
 */
export interface LastSharedView {
  /** When it was read (this machine's clock). */
  at: Date;
  where: string;
  claims: Claim[];
  notes: PinnedNote[];
  sessions: SessionRecord[];
  /** The database's clock when it was read: an older read never overwrites a newer view. */
  dbAt?: Date;
  /** Hand-written lines of the markdown view that were not shared, by their line there. */
  problems?: Problem[];
  /** Those lines' claims and why: reported again by a read that does not retry them. */
  refused?: RefusedLine[];
  /** A digest of the markdown view as written: a view nobody edited since needs no reading. */
  written?: string;
}

/** A hand-written claim line of the view the shared store did not take, and why. */
export interface RefusedLine {
  claim: Pick<Claim, 'session' | 'path'>;
  why: string;
}

export function lastSharedViewPath(boardPath: string): string {
  const ext = path.extname(boardPath);
  return path.join(path.dirname(boardPath), `${path.basename(boardPath, ext)}.shared-view.json`);
}

/** Best effort: a view that cannot be saved only makes the next outage less informed. */
export function saveLastSharedView(boardPath: string, view: Omit<LastSharedView, 'at'>, at = new Date()): void {
  try {
    fs.mkdirSync(path.dirname(boardPath), { recursive: true });
    writeFileAtomic(lastSharedViewPath(boardPath), JSON.stringify({ ...view, at }), 'the last known view of the shared store');
  } catch {
    /* see above */
  }
}

export function readLastSharedView(boardPath: string): LastSharedView | undefined {
  let raw: {
    at: string;
    where: string;
    claims: (Claim & Record<string, unknown>)[];
    notes: PinnedNote[];
    sessions: (SessionRecord & Record<string, unknown>)[];
    dbAt?: string;
    problems?: Problem[];
    refused?: RefusedLine[];
    written?: string;
  };
  try {
    raw = JSON.parse(fs.readFileSync(lastSharedViewPath(boardPath), 'utf8')) as typeof raw;
  } catch {
    return undefined;
  }
  const date = (v: unknown): Date | undefined => (typeof v === 'string' ? new Date(v) : undefined);
  return {
    at: new Date(raw.at),
    where: raw.where,
    notes: raw.notes,
    dbAt: date(raw.dbAt),
    problems: raw.problems,
    refused: raw.refused,
    written: raw.written,
    claims: raw.claims.map((c) => ({ ...c, started: date(c.started)!, eta: date(c.eta), expires: date(c.expires)! })),
    sessions: raw.sessions.map((s) => ({ ...s, started: date(s.started)!, ended: date(s.ended) })),
  };
}

/** How long a write waits for another process of this machine writing the view. */
const VIEW_LOCK_WAIT_MS = 5_000;

/**
 * Rewrites the markdown board as a view of the shared store (and the last known view beside it),
 * atomically, under the board's lock: a person or a session reading the file sees the shared
 * truth. A read older than the view already written is not written over it. A board file that
 * was not a view yet (the file board's) is kept beside it first, whole. Best effort: a view that
 * cannot be written is written by the next change.
 */
export async function writeSharedView(boardPath: string, state: SharedBoardState, retried?: readonly RefusedLine[]): Promise<void> {
  let unlock: (() => Promise<void>) | undefined;
  try {
    fs.mkdirSync(path.dirname(boardPath), { recursive: true });
    unlock = await acquireLock(boardPath, { budgetMs: VIEW_LOCK_WAIT_MS, staleMs: LOCK_STALE_MS });
    const last = readLastSharedView(boardPath);
    if (last?.dbAt && last.dbAt.getTime() > state.at.getTime()) return;
    const existing = readViewText(boardPath);
    if (existing !== undefined && existing.trim() !== '' && !isSharedView(existing)) keepFileBoard(boardPath, existing);
    const edited = existing !== undefined && last?.written !== viewDigest(existing);
    // Nobody touched the view since it was written, and no line a person added is left in it:
    // only what changed is written again.
    const unedited = existing !== undefined && last !== undefined && !edited && !last.refused?.length && !last.problems?.length;
    let text = renderSharedView(existing, state, { claims: last?.claims ?? [], notes: last?.notes ?? [] }, unedited ? last.claims : undefined);
    // Only a change is written: a read that found nothing new leaves the file (and its watchers) alone.
    if (existing === undefined || withoutStamp(existing) !== withoutStamp(text)) writeFileAtomic(boardPath, text, 'the board (a view of the shared store)');
    else text = existing;
    // A read that did not retry the refused lines reports them as the last write found them.
    const refused = (retried ?? last?.refused ?? []).map((r) => ({ claim: { session: r.claim.session, path: r.claim.path }, why: r.why }));
    saveLastSharedView(boardPath, {
      where: state.where,
      claims: state.claims,
      notes: state.notes,
      sessions: state.sessions,
      dbAt: state.at,
      // Only a view a person edited (or one with problems already) is read for them: a board of
      // 10,000 claims written by claimboard alone is not parsed again on every write.
      problems: edited || refused.length > 0 || (last?.problems?.length ?? 0) > 0 ? notSharedProblems(text, refused, state.at) : [],
      refused,
      written: viewDigest(text),
    });
  } catch {
    /* see above */
  } finally {
    await unlock?.().catch(() => undefined);
  }
}

/** Where the board file is kept when it first becomes a view: `coordination.file-board.md`. */
export function fileBoardCopyPath(boardPath: string): string {
  const ext = path.extname(boardPath);
  return path.join(path.dirname(boardPath), `${path.basename(boardPath, ext)}.file-board${ext || '.md'}`);
}

function keepFileBoard(boardPath: string, text: string): void {
  let to = fileBoardCopyPath(boardPath);
  if (fs.existsSync(to)) to = to.replace(/(\.[^.]*)?$/, (ext) => `.${Date.now()}${ext}`);
  writeFileAtomic(to, text, 'the board file kept before it became a view of the shared store');
}

function withoutStamp(text: string): string {
  return text.replace(/^\s*Last updated:.*$/im, '');
}

/**
 * The store cannot be reached: the view's header says it is the last known view, and since when,
 * so a person or a session reading the board file knows. The next read that reaches the store
 * rewrites the view and its header. Best effort, as writing the view is.
 */
export async function markSharedViewStale(boardPath: string, where: string, since: Date): Promise<void> {
  let unlock: (() => Promise<void>) | undefined;
  try {
    const text = readViewText(boardPath);
    if (text === undefined || text.includes('. STALE: ')) return;
    unlock = await acquireLock(boardPath, { budgetMs: VIEW_LOCK_WAIT_MS, staleMs: LOCK_STALE_MS });
    const now = readViewText(boardPath);
    const stale = now === undefined ? undefined : withViewMark(now, staleMarkLine(where, since));
    if (stale !== undefined) writeFileAtomic(boardPath, stale, 'the board (a view of the shared store)');
  } catch {
    /* see above */
  } finally {
    await unlock?.().catch(() => undefined);
  }
}

export function viewDigest(text: string): string {
  return nodeCrypto().createHash('sha1').update(text).digest('hex');
}
