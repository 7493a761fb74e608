/**
 * `ask --wait`: deliver the question now (its post id is needed to read its thread), then read
 * the channel every few seconds until a person who decides answers, or the time is up. The
 * answer goes through the journal (`recordAnswers`), so a yes is applied once whoever sees it.
 */
import type { ClaimStore } from '../core/claim-store';
import { dropFromInbox } from '../core/inbox';
import { claimCovers } from '../core/overlap';
import type { Announcer } from './announcer';
import { answersIn, pollUntil, type Answer, type QuestionRef } from './channel-reader';
import { questionFromJournal, readAnswers, recordAnswers } from './answers';
import { sleep } from './outbox';

export interface WaitResult {
  /** Undefined when the question could not be posted in time. */
  question?: QuestionRef & { text: string; at?: string };
  answer?: Answer;
  holds?: boolean;
}

export async function waitForAnswer(o: {
  announcer: Announcer;
  boardPath: string;
  /** The outbox id `ask` gave the question. */
  outboxId: string;
  deadline: number;
  intervalMs: number;
  service: () => ClaimStore;
  onError?: (err: Error) => void;
}): Promise<WaitResult> {
  const line = await posted(o);
  if (!line?.postId) return {};
  const question = { ...questionFromJournal(line), at: line.at };
  const reader = await o.announcer.reader(AbortSignal.timeout(Math.max(1, o.deadline - Date.now())));
  if (!reader) return { question };
  const watched = new Set([question.postId]);
  const questions = new Map([[question.postId, question]]);
  const deciders = o.announcer.deciders();
  // Server time of the post: the thread cannot have anything older.
  let cursor = line.postAt ?? Date.now() - 60_000;
  const known = async (): Promise<WaitResult | undefined> => {
    const q = readAnswers(o.boardPath).questions[question.postId];
    const answer = q?.decided ?? q?.answers[0];
    if (!q || !answer) return undefined;
    // Recorded by another reader (the listener), which put it in the inbox: printed here instead.
    if (!answer.printed) await dropFromInbox(o.boardPath, question.session, `answer:${question.postId}:${answer.source}`).catch(() => undefined);
    return { question, answer: { by: answer.by, text: answer.text, decision: answer.decision, at: answer.at, source: answer.source }, holds: q.decided?.holds };
  };
  const got = await pollUntil(
    async () => {
      const before = await known();
      if (before) return before;
      const read = await reader.read(cursor, watched);
      cursor = read.cursor;
      const found = answersIn(read, questions, deciders);
      if (found.length === 0) return undefined;
      await recordAnswers({ boardPath: o.boardPath, found, service: o.service, printedFor: question.postId });
      return known();
    },
    { intervalMs: o.intervalMs, deadline: o.deadline, onError: o.onError },
  );
  return got ?? { question };
}

/** Delivers the outbox (inline, or waits for the process delivering it) until the question's post is known. */
async function posted(o: { announcer: Announcer; outboxId: string; deadline: number }) {
  for (;;) {
    const line = o.announcer.journal().find((j) => j.id === o.outboxId);
    if (line) return line;
    const left = o.deadline - Date.now();
    if (left <= 0) return undefined;
    const r = await o.announcer.flush({ budgetMs: left, waitForLockMs: Math.min(left, 1_000) });
    if (o.announcer.journal().some((j) => j.id === o.outboxId)) continue;
    // Another process is delivering, or the server is down: look again shortly.
    await sleep(Math.min(r.busy ? 250 : 1_000, Math.max(0, o.deadline - Date.now())));
  }
}

/** What `ask --wait --json` prints and the MCP `ask` tool returns with `wait`: one shape, one source. */
export interface AskWaitJson {
  question: { id: string; session: string; holder: string | null; path: string | null; text: string; at: string | null } | null;
  answer: { by: string; text: string; decision: Answer['decision']; at: string } | null;
  holds: boolean;
}

/**
 * Waits for the answer (`waitForAnswer`) and reads what it means: `ok` when answered (for a
 * question `about` a path, when the asker now holds it on the board, which is the truth: a yes
 * seen first by another process handed the path over there), not for a no or no answer.
 */
export async function waitForDecision(
  o: Parameters<typeof waitForAnswer>[0] & { session: string; about?: string; status: () => Promise<{ claims: readonly { session: string; path: string }[] }> },
): Promise<{ result: WaitResult; json: AskWaitJson; ok: boolean }> {
  const r = await waitForAnswer(o);
  const holds = o.about !== undefined ? (await o.status()).claims.some((c) => c.session === o.session && claimCovers(c.path, o.about!)) : false;
  const a = r.answer;
  const ok = a !== undefined && a.decision !== 'no' && (o.about === undefined || holds);
  const question = r.question
    ? { id: r.question.postId, session: r.question.session, holder: r.question.holder ?? null, path: r.question.path ?? null, text: r.question.text, at: r.question.at ?? null }
    : null;
  return { result: r, ok, json: { question, answer: a ? { by: a.by, text: a.text, decision: a.decision, at: a.at } : null, holds } };
}

/** The answer in one line, for a person or a model: what was said, and what it means for the path. */
export function waitText(r: WaitResult, holds: boolean, about: string | undefined, waitMs: number): string {
  const a = r.answer;
  if (!r.question) return `the question is not in the channel yet (the server did not take it within ${Math.round(waitMs / 1000)} s); it stays queued`;
  if (!a) return `no answer within ${Math.round(waitMs / 1000)} s${about ? `: ${r.question.holder ?? 'the holder'} still holds ${about}; wait or pick other work` : ''}`;
  const what = a.decision === 'other' ? 'not a yes or no' : a.decision;
  let tail = '';
  if (about !== undefined) tail = holds ? `; you hold ${about} now` : a.decision === 'no' ? `; leave ${about} alone: wait or pick other work` : `; ${about} is not yours`;
  return `@${a.by} answered: "${a.text.replace(/\s+/g, ' ').trim()}" (${what})${tail}`;
}
