/**
 * The per-machine listener (`claimboard listen`): one process per board reads the channel every
 * few seconds while a session is live, records answers (applying the first yes or no once) and
 * puts what the person said into the sessions' inboxes, where their next hook call finds it.
 *
 * Why here and not in the hooks: a hook is a fresh process on every tool call and must stay
 * fast (a hung server must never delay one); five sessions polling on their own would make five
 * times the requests. One listener, started detached by the hooks the way the background
 * flusher is, single by its lock, makes the same requests for one session or ten, and exits
 * when no session is live.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock, LockBusyError } from '../core/file-lock';
import { sameLivenessHost, livenessHost, processAlive } from '../core/liveness';
import type { ClaimStore } from '../core/claim-store';
import type { SessionRecord, Claim } from '../core/model';
import type { Announcer } from './announcer';
import { answersIn, pollUntil, type ReadResult } from './channel-reader';
import { questionsToWatch, readAnswers, recordAnswers, updateAnswers } from './answers';
import { addressedMessages } from './addressed';
import { putInInbox } from '../core/inbox';

/** A session without a recorded process counts as live this long after it started, or while it holds a live claim. */
export const SESSION_WITHOUT_PID_LIVE_MS = 10 * 60_000;
/** The lock's holder refreshes it; a listener that died leaves it stale after this long. */
export const LISTENER_STALE_MS = 10_000;

export function listenerLockTarget(boardPath: string): string {
  return path.join(path.dirname(boardPath), `${path.basename(boardPath).replace(/\.md$/i, '')}.listener`);
}

/** True while a live listener holds the lock (one `stat`: hooks call this on every heartbeat). */
export function listenerRunning(boardPath: string, now = Date.now()): boolean {
  try {
    const st = fs.statSync(`${listenerLockTarget(boardPath)}.lock`);
    return Math.abs(now - st.mtimeMs) < LISTENER_STALE_MS;
  } catch {
    return false;
  }
}

export function listenerPidFile(boardPath: string): string {
  return `${listenerLockTarget(boardPath)}.pid`;
}

/**
 * Is any session live? Not ended, and its Claude Code process alive on this host; a session
 * whose process is not recorded (or is on another host) counts while it holds a live claim or
 * for ten minutes after it started.
 */
export function anySessionLive(view: { sessions: SessionRecord[]; claims: Claim[] }, now: Date, host = livenessHost(), alive = processAlive): boolean {
  return view.sessions.some((s) => {
    if (s.ended) return false;
    if (s.pid !== undefined && sameLivenessHost(s.host, host)) return alive(s.pid);
    return now.getTime() - s.started.getTime() < SESSION_WITHOUT_PID_LIVE_MS || view.claims.some((c) => c.session === s.name);
  });
}

export interface ListenOptions {
  boardPath: string;
  announcer: Announcer;
  service: () => ClaimStore;
  intervalMs: number;
  /** One read, then return (several may run at once: the journal's lock keeps decisions once). */
  once?: boolean;
  /** Also listen on the websocket, to read at once when something lands (never required). */
  websocket?: boolean;
  signal?: AbortSignal;
  onError?: (err: Error) => void;
}

/** One read of the channel: answers recorded and applied, messages put in inboxes. */
export async function listenOnce(o: Pick<ListenOptions, 'boardPath' | 'announcer' | 'service'>, reader?: Awaited<ReturnType<Announcer['reader']>>): Promise<ReadResult | undefined> {
  const r = reader ?? (await o.announcer.reader(AbortSignal.timeout(15_000)));
  if (!r) return undefined;
  const state = readAnswers(o.boardPath);
  const journal = o.announcer.journal();
  const { questions, since } = questionsToWatch(journal);
  // The first read starts a minute back (the server's clock, not ours, stamps posts).
  const cursor = state.cursor ?? Math.min(since ?? Infinity, Date.now() - 60_000);
  const read = await r.read(cursor, new Set(questions.keys()), AbortSignal.timeout(15_000));
  const found = answersIn(read, questions, o.announcer.deciders());
  await recordAnswers({ boardPath: o.boardPath, found, service: o.service });
  const addressed = addressedMessages(
    read,
    journal,
    o.announcer.deciders(),
    new Set(questions.keys()),
    (await o.service().status()).sessions.filter((s) => !s.ended).map((s) => s.name),
  );
  // Nothing new (the usual poll): the journal is not rewritten every few seconds.
  if (addressed.length === 0 && read.cursor <= (state.cursor ?? 0)) return read;
  await updateAnswers(o.boardPath, async (s) => {
    s.cursor = Math.max(s.cursor ?? 0, read.cursor);
    await deliverAddressed(o.boardPath, s.messages, addressed);
  });
  return read;
}

async function deliverAddressed(boardPath: string, delivered: Record<string, string>, addressed: ReturnType<typeof addressedMessages>): Promise<void> {
  for (const m of addressed) {
    const key = `${m.postId}:${m.session}`;
    if (delivered[key]) continue;
    await putInInbox(boardPath, m.session, [{ id: `message:${m.postId}`, at: m.at, text: m.text }]);
    delivered[key] = new Date().toISOString();
  }
}

/**
 * Reads the channel every `intervalMs` until no session is live (or `signal`), as the one
 * listener of this board: returns at once when another process already listens.
 */
export async function listen(o: ListenOptions): Promise<'once' | 'busy' | 'no-session' | 'stopped' | 'webhook'> {
  if (o.once) {
    const read = await listenOnce(o);
    return read ? 'once' : 'webhook';
  }
  const target = listenerLockTarget(o.boardPath);
  let release: () => Promise<void>;
  try {
    release = await acquireLock(target, { budgetMs: 0, staleMs: LISTENER_STALE_MS });
  } catch (err) {
    if (err instanceof LockBusyError) return 'busy';
    throw err;
  }
  const pidFile = listenerPidFile(o.boardPath);
  try {
    fs.writeFileSync(pidFile, `${process.pid}\n`);
  } catch {
    // Only for people and tests looking for it.
  }
  try {
    const reader = await o.announcer.reader(AbortSignal.timeout(15_000));
    if (!reader) return 'webhook';
    const waker = new Waker();
    const ws = o.websocket ? reader.wake({ retryMs: o.intervalMs, onEvent: () => waker.wake() }) : undefined;
    try {
      const end = await pollUntil(
        async () => {
          waker.readStarts();
          const view = await o.service().status();
          if (!anySessionLive(view, new Date())) return 'no-session' as const;
          await listenOnce(o, reader);
          return undefined;
        },
        { intervalMs: o.intervalMs, deadline: Number.MAX_SAFE_INTEGER, signal: o.signal, onError: o.onError, sleep: (ms, signal) => waker.sleep(ms, signal) },
      );
      return end ?? 'stopped';
    } finally {
      ws?.close();
    }
  } finally {
    try {
      if (fs.readFileSync(pidFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(pidFile);
    } catch {
      // Already gone.
    }
    await release().catch(() => undefined);
  }
}

/** Events from the websocket never make reads closer than this (a busy channel must not make the listener spin). */
export const WAKE_FLOOR_MS = 1_000;

/** The listener's sleep between reads, which a websocket event ends early (after the floor). */
class Waker {
  private woken = false;
  private lastRead = 0;
  private end: (() => void) | undefined;

  readStarts(): void {
    this.lastRead = Date.now();
    this.woken = false;
  }

  wake(): void {
    this.woken = true;
    this.end?.();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout;
      const done = () => {
        clearTimeout(timer);
        this.end = undefined;
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const at = (delay: number) => {
        clearTimeout(timer);
        timer = setTimeout(done, Math.max(0, delay));
      };
      signal?.addEventListener('abort', done);
      if (signal?.aborted) return done();
      at(ms);
      // Something landed (now, or during the read just done): read once the floor has passed.
      this.end = () => at(Math.min(ms, this.lastRead + WAKE_FLOOR_MS - Date.now()));
      if (this.woken) this.end();
    });
  }
}
