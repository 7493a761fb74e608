/**
 * The persistent outbox beside the board (`coordination.outbox.json`): announcements wait here
 * until the channel has them, so a claim never waits on Mattermost and nothing is lost while it
 * is down. Every change is a read-modify-write under a lock, written to a temporary file and
 * renamed over the old one. A second lock (`…outbox.delivering.lock`) is held by the one process
 * delivering, so two processes flushing at once never post the same message twice.
 *
 * Also beside the board: the journal (`coordination.announced.jsonl`), one line per delivered
 * post, which is the recap's source when only a webhook is configured.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeCrypto } from '../core/node-crypto';
import { writeFileAtomic } from '../core/atomic-file';
import { acquireLock, lockLibrary, LockBusyError } from '../core/file-lock';
import { withLease, type Announcement, type AnnouncementKind } from './messages';

export type EntryState = 'pending' | 'failed';

export interface OutboxEntry {
  seq: number;
  /** Also the REST `pending_post_id`, so a retry whose first attempt arrived is not posted twice. */
  id: string;
  createdAt: string;
  kind: AnnouncementKind;
  session: string;
  path?: string;
  text: string;
  threadKey?: string;
  replyTo?: string;
  takenFrom?: string;
  rootPostId?: string;
  state: EntryState;
  attempts: number;
  /** ISO time before which no one should try again (backoff, or the server's Retry-After). */
  notBefore?: string;
  lastError?: string;
}

export interface RootPost {
  postId: string;
  at: string;
  /** Whose claim on which path the thread is about, so a forced takeover can continue it. */
  session?: string;
  path?: string;
}

export interface OutboxState {
  version: 1;
  nextSeq: number;
  entries: OutboxEntry[];
  /** Claim key → the id of the claim's post, so its release or expiry replies in its thread. */
  roots: Record<string, RootPost>;
  /** Claim key → its lease length, so its expiry can say "no heartbeat for N min". */
  leases?: Record<string, number>;
  /** `server|team/channel` → channel id, resolved once. */
  channelIds: Record<string, string>;
  lastDeliveredAt?: string;
  lastError?: string;
}

export interface JournalLine {
  at: string;
  kind: AnnouncementKind;
  session: string;
  path?: string;
  text: string;
  postId?: string;
  rootId?: string;
  /** The outbox entry's id (the `pending_post_id`): how `ask` finds its question's post. */
  id?: string;
  /** The post's `create_at` (server ms). */
  postAt?: number;
}

export interface OutboxPaths {
  outbox: string;
  deliveryLock: string;
  journal: string;
  /** Announcements queued while the outbox lock was busy; merged into the outbox by the next locked write. */
  spool: string;
}

/** `coordination.md` → `coordination.outbox.json`, `coordination.announced.jsonl`. */
export function outboxPaths(boardPath: string): OutboxPaths {
  const dir = path.dirname(boardPath);
  const base = path.basename(boardPath).replace(/\.md$/i, '');
  return {
    outbox: path.join(dir, `${base}.outbox.json`),
    deliveryLock: path.join(dir, `${base}.outbox.delivering.lock`),
    journal: path.join(dir, `${base}.announced.jsonl`),
    spool: path.join(dir, `${base}.outbox.spool.jsonl`),
  };
}

/** A lock whose holder died is broken after this long; live holders refresh it twice as often. */
const STALE_MS = 10_000;
/**
 * How long queueing an announcement waits for the outbox lock before it appends to the spool
 * instead: a claim never waits on a stuck outbox, and nothing is lost.
 */
export const QUEUE_LOCK_BUDGET_MS = 500;
/** Other outbox writes (delivery bookkeeping) may wait longer: they run in the background flusher. */
const UPDATE_LOCK_BUDGET_MS = 20_000;
/** Roots older than this are forgotten: a release a week later starts a new thread. */
const ROOT_TTL_MS = 7 * 24 * 3_600_000;
/** Lease lengths remembered for expiry texts; the oldest are dropped past this many. */
const MAX_LEASES = 1000;
/** The journal is trimmed to its newest half past this size so it never grows without bound. */
const JOURNAL_MAX_BYTES = 2_000_000;

export function emptyState(): OutboxState {
  return { version: 1, nextSeq: 1, entries: [], roots: {}, channelIds: {} };
}

export function newPostId(): string {
  // Mattermost ids are 26 lowercase base32 characters; a pending_post_id of that shape is safe.
  const alphabet = 'abcdefghijkmnopqrstuwxyz13456789';
  const bytes = nodeCrypto().randomBytes(26);
  let s = '';
  for (const b of bytes) s += alphabet[b & 31];
  return s;
}

export class Outbox {
  readonly paths: OutboxPaths;

  constructor(boardPath: string) {
    this.paths = outboxPaths(boardPath);
    // An outbox is made to be written: load the lock library now, not inside a queueing budget.
    lockLibrary();
  }

  /** A consistent snapshot without locking: writers only ever rename a complete file into place. */
  read(): OutboxState {
    let text: string;
    try {
      text = fs.readFileSync(this.paths.outbox, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw err;
    }
    try {
      const s = JSON.parse(text) as OutboxState;
      if (s.version !== 1 || !Array.isArray(s.entries)) throw new Error('unknown outbox format');
      s.roots ??= {};
      s.channelIds ??= {};
      return s;
    } catch (err) {
      // Keep the unreadable file for a person to look at rather than overwriting it.
      const aside = `${this.paths.outbox}.corrupt-${Date.now()}`;
      try {
        fs.renameSync(this.paths.outbox, aside);
        process.emitWarning(`claimboard: outbox was unreadable (${(err as Error).message}); moved to ${aside}`);
      } catch {
        // Another process moved it aside first.
      }
      return emptyState();
    }
  }

  /** Read-modify-write under the outbox lock; `change` returns what the caller wants back. */
  async update<T>(change: (state: OutboxState) => T, budgetMs = UPDATE_LOCK_BUDGET_MS): Promise<T> {
    fs.mkdirSync(path.dirname(this.paths.outbox), { recursive: true });
    const release = await acquireLock(this.paths.outbox, { budgetMs, staleMs: STALE_MS });
    try {
      const state = this.read();
      const spooled = this.takeSpool();
      appendSpooled(state, spooled.lines);
      const result = change(state);
      this.write(state);
      // Only once the outbox holding them is on disk: a crash before this merges them again (by id, once).
      for (const f of spooled.files) fs.rmSync(f, { force: true });
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  /**
   * Queues announcements: into the outbox when its lock comes within `budgetMs`, else appended
   * to the spool beside it (one line, no lock), which the next outbox write merges in order.
   * Returns the number of pending announcements, or undefined when they went to the spool.
   */
  async enqueue(anns: readonly Announcement[], createdAt: string, budgetMs = QUEUE_LOCK_BUDGET_MS): Promise<number | undefined> {
    const items = anns.map((a) => ({ ...a, id: a.id ?? newPostId(), createdAt }));
    try {
      return await this.update((s) => {
        appendSpooled(s, items);
        return s.entries.filter((e) => e.state === 'pending').length;
      }, budgetMs);
    } catch (err) {
      if (!(err instanceof LockBusyError)) throw err;
    }
    // One write(2) of a line under PIPE_BUF is never interleaved with another appender's.
    fs.appendFileSync(this.paths.spool, items.map((i) => JSON.stringify(i)).join('\n') + '\n', { mode: 0o600 });
    return undefined;
  }

  /** Moves the spool aside (new appends start a fresh one) and reads it, with older leftovers of a crashed merge. */
  private takeSpool(): { lines: SpooledAnnouncement[]; files: string[] } {
    const dir = path.dirname(this.paths.spool);
    const base = path.basename(this.paths.spool);
    try {
      fs.renameSync(this.paths.spool, `${this.paths.spool}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.merging`);
    } catch {
      // No spool: the usual case.
    }
    let names: string[];
    try {
      names = fs
        .readdirSync(dir)
        .filter((n) => n.startsWith(`${base}.`) && n.endsWith('.merging'))
        .sort();
    } catch {
      return { lines: [], files: [] };
    }
    const files = names.map((n) => path.join(dir, n));
    const lines: SpooledAnnouncement[] = [];
    for (const f of files) {
      let text = '';
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const l of text.split('\n')) {
        if (!l.trim()) continue;
        try {
          lines.push(JSON.parse(l) as SpooledAnnouncement);
        } catch {
          /* a line torn by a crash mid-append */
        }
      }
    }
    lines.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return { lines, files };
  }

  /** Announcements in the spool, not yet merged into the outbox. */
  spooledCount(): number {
    try {
      return fs
        .readFileSync(this.paths.spool, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length;
    } catch {
      return 0;
    }
  }

  private write(state: OutboxState): void {
    const now = Date.now();
    for (const [k, r] of Object.entries(state.roots)) if (now - Date.parse(r.at) > ROOT_TTL_MS) delete state.roots[k];
    // Claims that ended without their own post (a session's end) leave their lease behind.
    const leases = Object.keys(state.leases ?? {});
    for (const k of leases.slice(0, Math.max(0, leases.length - MAX_LEASES))) delete state.leases![k];
    // One entry per line: readable by a person, and far smaller than indented JSON once a
    // long outage has queued hundreds of messages (every append rewrites the file).
    writeFileAtomic(this.paths.outbox, formatState(state), 'the outbox', 0o600);
  }

  /**
   * Take the delivery lock, or return undefined at once (or after `waitMs`) when another process
   * is delivering: that process will deliver what was just appended, in order.
   */
  async tryLockDelivery(waitMs = 0): Promise<(() => Promise<void>) | undefined> {
    fs.mkdirSync(path.dirname(this.paths.deliveryLock), { recursive: true });
    try {
      // proper-lockfile tracks locks per target file, so the delivery lock needs its own target.
      // The shared lock breaks a dead holder's folder even when its mtime is in the future.
      const release = await acquireLock(this.paths.deliveryLock.replace(/\.lock$/, ''), { budgetMs: waitMs, staleMs: STALE_MS });
      return async () => {
        await release().catch(() => undefined);
      };
    } catch (err) {
      if (err instanceof LockBusyError) return undefined;
      throw err;
    }
  }

  /** True while some live process holds the delivery lock. */
  isDelivering(): boolean {
    try {
      const st = fs.statSync(this.paths.deliveryLock);
      // A folder stamped far in the future is no proof of life: starting one more flusher is harmless.
      return Math.abs(Date.now() - st.mtimeMs) < STALE_MS;
    } catch {
      return false;
    }
  }

  appendJournal(line: JournalLine): void {
    const file = this.paths.journal;
    fs.appendFileSync(file, JSON.stringify(line) + '\n', { mode: 0o600 });
    try {
      if (fs.statSync(file).size > JOURNAL_MAX_BYTES) {
        const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
        writeFileAtomic(file, lines.slice(Math.floor(lines.length / 2)).join('\n') + '\n', 'the announcement journal', 0o600);
      }
    } catch {
      // Trimming is housekeeping; the line itself is already written.
    }
  }

  readJournal(): JournalLine[] {
    let text: string;
    try {
      text = fs.readFileSync(this.paths.journal, 'utf8');
    } catch {
      return [];
    }
    const out: JournalLine[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as JournalLine);
      } catch {
        // A line torn by a crash mid-append is skipped, not fatal.
      }
    }
    return out;
  }
}

type SpooledAnnouncement = Announcement & { id: string; createdAt: string };

/** Appends queued announcements as pending entries (each id once), remembering claim leases for expiry texts. */
function appendSpooled(s: OutboxState, items: readonly SpooledAnnouncement[]): void {
  if (items.length === 0) return;
  const known = new Set(s.entries.map((e) => e.id));
  const leases = (s.leases ??= {});
  for (const { leaseMs, id, createdAt, ...a } of items) {
    if (known.has(id)) continue;
    known.add(id);
    if (a.threadKey && leaseMs && a.kind !== 'expire') leases[a.threadKey] = leaseMs;
    if (a.replyTo) {
      const lease = leases[a.replyTo];
      if (a.kind === 'expire' && !leaseMs && lease) a.text = withLease(a.text, lease);
      delete leases[a.replyTo];
    }
    s.entries.push({ seq: s.nextSeq++, id, createdAt, ...a, state: 'pending', attempts: 0 });
  }
}

function formatState(state: OutboxState): string {
  const { entries, ...rest } = state;
  const head = JSON.stringify(rest);
  const lines = entries.map((e) => JSON.stringify(e));
  return `${head.slice(0, -1)},"entries":[${lines.length ? `\n${lines.join(',\n')}\n` : ''}]}\n`;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
