/**
 * The journal of answers beside the board (`coordination.answers.json`), keyed by the question's
 * post id. Whoever reads an answer first (`ask --wait`, the listener, VS Code) records it here
 * under the journal's lock, and the first yes or no to a question is applied there and then:
 * so a decision seen by several processes at the same moment is applied exactly once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireLock } from '../core/file-lock';
import { writeFileAtomic } from '../core/atomic-file';
import { putInInbox, type InboxMessage } from '../core/inbox';
import type { ClaimStore } from '../core/claim-store';
import type { JournalLine } from './outbox';
import { parseAnnouncement } from './messages';
import type { Answer, QuestionRef } from './channel-reader';

export interface RecordedAnswer extends Answer {
  /** The asker was told on its terminal (`ask --wait` printed it), not through its inbox. */
  printed?: boolean;
}

export interface QuestionState extends QuestionRef {
  text?: string;
  answers: RecordedAnswer[];
  /** The first yes or no, applied once; `holds`: the asker held the path after a yes. */
  decided?: RecordedAnswer & { holds?: boolean };
}

export interface AnswersState {
  version: 1;
  questions: Record<string, QuestionState>;
  /** Post ids of messages addressed to sessions that were put in an inbox (each once). */
  messages: Record<string, string>;
  /** Where the listener's next read starts (server ms). */
  cursor?: number;
}

/** Questions are watched this long after they were asked; older ones are forgotten. */
export const QUESTION_WATCH_MS = 24 * 3_600_000;
const STALE_MS = 10_000;

export function answersPath(boardPath: string): string {
  return path.join(path.dirname(boardPath), `${path.basename(boardPath).replace(/\.md$/i, '')}.answers.json`);
}

export function readAnswers(boardPath: string): AnswersState {
  try {
    const s = JSON.parse(fs.readFileSync(answersPath(boardPath), 'utf8')) as AnswersState;
    if (s.version === 1 && s.questions && typeof s.questions === 'object') {
      s.messages ??= {};
      return s;
    }
  } catch {
    // Missing or unreadable: start over (the channel still has every answer).
  }
  return { version: 1, questions: {}, messages: {} };
}

/** Read-modify-write of the journal under its lock; `change` may do more locked work (a board write). */
export async function updateAnswers<T>(boardPath: string, change: (s: AnswersState) => Promise<T>, budgetMs = 20_000): Promise<T> {
  const file = answersPath(boardPath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const release = await acquireLock(file, { budgetMs, staleMs: STALE_MS });
  try {
    const state = readAnswers(boardPath);
    const result = await change(state);
    const cutoff = Date.now() - 2 * QUESTION_WATCH_MS;
    for (const [id, q] of Object.entries(state.questions)) if (q.answers.every((a) => Date.parse(a.at) < cutoff)) delete state.questions[id];
    const ids = Object.keys(state.messages);
    for (const id of ids.slice(0, Math.max(0, ids.length - 2000))) delete state.messages[id];
    writeFileAtomic(file, JSON.stringify(state) + '\n', 'the answers journal', 0o600);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

/** The questions this machine asked (from the journal of its posts) still worth watching. */
export function questionsToWatch(journal: readonly JournalLine[], now = Date.now()): { questions: Map<string, QuestionRef & { text: string }>; since?: number } {
  const questions = new Map<string, QuestionRef & { text: string }>();
  let since: number | undefined;
  for (const j of journal) {
    // Decided questions stay watched: a later reply is passed on as an answer (each once, by its
    // source), never mistaken for a message addressed to the asker.
    if (j.kind !== 'ask' || !j.postId || now - Date.parse(j.at) > QUESTION_WATCH_MS) continue;
    questions.set(j.postId, questionFromJournal(j));
    const at = j.postAt ?? Date.parse(j.at);
    since = since === undefined ? at : Math.min(since, at);
  }
  return { questions, since };
}

/** A question this machine asked that no one who decides has answered yes or no yet. */
export interface OpenQuestion extends QuestionRef {
  text: string;
  /** When it was posted (ISO). */
  at: string;
}

/**
 * The open questions, newest first: asked from this machine (the journal of its posts, so with
 * a post id, which a webhook never gives) within the watch window, and not decided in the
 * answers journal. VS Code shows these; the listener and `ask --wait` keep the journal current.
 */
export function openQuestions(boardPath: string, journal: readonly JournalLine[], now = Date.now()): OpenQuestion[] {
  const decided = readAnswers(boardPath).questions;
  const open: OpenQuestion[] = [];
  for (const j of journal) {
    if (j.kind !== 'ask' || !j.postId || now - Date.parse(j.at) > QUESTION_WATCH_MS || decided[j.postId]?.decided) continue;
    open.push({ ...questionFromJournal(j), at: j.postAt !== undefined ? new Date(j.postAt).toISOString() : j.at });
  }
  return open.reverse();
}

export function questionFromJournal(j: JournalLine): QuestionRef & { text: string } {
  const parsed = parseAnnouncement(j.text);
  return { postId: j.postId ?? '', session: j.session, holder: parsed?.holder, path: j.path, text: j.text };
}

export interface Applied {
  question: QuestionState;
  answer: RecordedAnswer;
  /** This answer decided the question (the first yes or no). */
  decided: boolean;
  holds?: boolean;
}

/**
 * Records answers (each once, by its source) and applies the first yes or no to each question:
 * a yes to a question about a held path hands it over (`ClaimStore.handOver`, which posts the
 * TAKEOVER in the question's thread through the service's announcements). The asker is told
 * through its inbox unless `printedFor` is that question (`ask --wait` prints it); the holder
 * of a path handed over is always told through its inbox.
 */
export async function recordAnswers(o: {
  boardPath: string;
  found: readonly { question: QuestionRef & { text?: string }; answer: Answer }[];
  service: () => Pick<ClaimStore, 'handOver'>;
  printedFor?: string;
}): Promise<Applied[]> {
  if (o.found.length === 0) return [];
  return updateAnswers(o.boardPath, async (state) => {
    const applied: Applied[] = [];
    const inbox = new Map<string, InboxMessage[]>();
    const tell = (session: string, m: InboxMessage) => {
      const list = inbox.get(session) ?? [];
      list.push(m);
      inbox.set(session, list);
    };
    for (const { question, answer } of o.found) {
      const q = (state.questions[question.postId] ??= { ...question, answers: [] });
      if (q.answers.some((a) => a.source === answer.source)) continue;
      const rec: RecordedAnswer = { ...answer, printed: o.printedFor === q.postId || undefined };
      q.answers.push(rec);
      let decided = false;
      let holds: boolean | undefined;
      if (answer.decision !== 'other' && !q.decided) {
        decided = true;
        if (answer.decision === 'yes' && q.path && q.holder) {
          const r = await o.service().handOver({ from: q.holder, to: q.session, path: q.path, approvedBy: answer.by, questionId: q.postId });
          holds = r.holds;
          if (r.takenOver.length > 0) tell(q.holder, { id: `takeover:${q.postId}`, at: answer.at, text: holderText(q, answer) });
        }
        q.decided = { ...rec, holds };
      }
      if (!rec.printed) tell(q.session, { id: `answer:${q.postId}:${answer.source}`, at: answer.at, text: askerText(q, rec, decided, holds) });
      applied.push({ question: q, answer: rec, decided, holds });
    }
    // Before the journal is written: a crash in between puts them again, and the inbox keeps each id once.
    for (const [session, messages] of inbox) await putInInbox(o.boardPath, session, messages);
    return applied;
  });
}

function quoted(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return `"${t.length > 300 ? `${t.slice(0, 299)}…` : t}"`;
}

/** What the asker is told: the person's words, what they decided, and what it means for its work. */
export function askerText(q: QuestionState, a: Answer, decided: boolean, holds?: boolean): string {
  const about = q.path ? `your question about \`${q.path}\`` : 'your question';
  const head = `@${a.by} answered ${about} in Mattermost: ${quoted(a.text)}`;
  // After the decision, more words are passed on as they are: the decision stands.
  if (!decided && q.decided) return `${head}.`;
  if (!decided || a.decision === 'other') return q.path ? `${head}. This is not a yes or no: ${q.holder ?? 'the holder'} still holds \`${q.path}\`; leave it alone.` : `${head}.`;
  if (!q.path) return `${head} (${a.decision}).`;
  if (a.decision === 'no') return `${head} (no). Do not touch \`${q.path}\`: wait for ${q.holder ?? 'its holder'} to release it or pick other work.`;
  return holds
    ? `${head} (yes). \`${q.path}\` was handed over to you (${q.session}) from ${q.holder}: you hold it now and may edit it.`
    : `${head} (yes), but \`${q.path}\` is still held by another session: wait or pick other work.`;
}

/** What the holder is told when the person handed its path over. */
export function holderText(q: QuestionRef, a: Answer): string {
  return `@${a.by} handed \`${q.path}\` over to ${q.session}, who asked for it in Mattermost. Stop touching \`${q.path}\` now: it is no longer yours, and your edits to it are denied from here on. Finish or set aside what you were doing there and pick other work.`;
}
