/**
 * A session's inbox beside the board (`coordination.inbox/<session>.jsonl`): what the person
 * said to it (an answer, a handover, a message addressed to it) waits here until the session's
 * next hook call puts it into Claude's context. Hooks stay fast: with nothing waiting they pay
 * one `stat`. Taking is a move under the inbox's lock, so each message is delivered once, even
 * when several hooks of the session run at the same moment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock } from './file-lock';
import { validateSessionName } from './fields';
import { writeFileAtomic } from './atomic-file';

export interface InboxMessage {
  /** Stable: the same message put twice (a retried read) is kept once. */
  id: string;
  /** ISO time the person said it. */
  at: string;
  text: string;
}

/** A lock whose holder died is broken after this long; writes under it take milliseconds. */
const STALE_MS = 5_000;

export function inboxDir(boardPath: string): string {
  return path.join(path.dirname(boardPath), `${path.basename(boardPath).replace(/\.md$/i, '')}.inbox`);
}

export function inboxFile(boardPath: string, session: string): string {
  // The name is checked by the board's own rule, so it can never leave the folder.
  if (validateSessionName(session)) throw new Error(`not a session name: ${session}`);
  return path.join(inboxDir(boardPath), `${session}.jsonl`);
}

/** Adds messages for a session (each id once). */
export async function putInInbox(boardPath: string, session: string, messages: readonly InboxMessage[], budgetMs = 5_000): Promise<void> {
  if (messages.length === 0) return;
  const file = inboxFile(boardPath, session);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const release = await acquireLock(file, { budgetMs, staleMs: STALE_MS });
  try {
    const have = new Set(readLines(file).map((m) => m.id));
    const fresh = messages.filter((m) => !have.has(m.id));
    if (fresh.length > 0) fs.appendFileSync(file, fresh.map((m) => JSON.stringify(m)).join('\n') + '\n', { mode: 0o600 });
  } finally {
    await release().catch(() => undefined);
  }
}

/** Takes everything waiting for the session (oldest first); nothing waiting costs one `stat`. */
export async function takeInbox(boardPath: string, session: string, budgetMs = 2_000): Promise<InboxMessage[]> {
  const file = inboxFile(boardPath, session);
  if (!fs.existsSync(file)) return [];
  const release = await acquireLock(file, { budgetMs, staleMs: STALE_MS });
  try {
    const out = readLines(file);
    fs.rmSync(file, { force: true });
    return out;
  } finally {
    await release().catch(() => undefined);
  }
}

/** Removes one message if it is still waiting (`ask --wait` printed it itself). */
export async function dropFromInbox(boardPath: string, session: string, id: string): Promise<void> {
  const file = inboxFile(boardPath, session);
  if (!fs.existsSync(file)) return;
  const release = await acquireLock(file, { budgetMs: 5_000, staleMs: STALE_MS });
  try {
    const rest = readLines(file).filter((m) => m.id !== id);
    if (rest.length === 0) fs.rmSync(file, { force: true });
    else writeFileAtomic(file, rest.map((m) => JSON.stringify(m)).join('\n') + '\n', 'the inbox', 0o600);
  } finally {
    await release().catch(() => undefined);
  }
}

function readLines(file: string): InboxMessage[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: InboxMessage[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as InboxMessage);
    } catch {
      // A line torn by a crash mid-append is skipped, not fatal.
    }
  }
  return out;
}
