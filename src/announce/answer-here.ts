/**
 * Answering a question from where the person sits (VS Code) as from the phone: the words are
 * posted in the question's thread with the configured token, then recorded through
 * `recordAnswers`, the function every reader uses, under the key the channel gives that post
 * (`post:<id>`). So when the listener or `ask --wait` later reads the same reply, it is the
 * same answer, already recorded: the decision is applied once, whoever records it first.
 */
import type { ClaimStore } from '../core/claim-store';
import type { Announcer } from './announcer';
import type { Answer, QuestionRef } from './channel-reader';
import { parseDecision } from './decision';
import { readAnswers, recordAnswers, type Applied, type RecordedAnswer } from './answers';

export type AnswerOutcome =
  /** Posted and recorded here; `applied.decided` when this answer decided the question. */
  | { kind: 'answered'; answer: Answer; applied?: Applied }
  /** Someone already said yes or no (from the phone, or another window): nothing was posted. */
  | { kind: 'already'; decided: RecordedAnswer };

export async function answerQuestion(o: {
  announcer: Announcer;
  boardPath: string;
  question: QuestionRef & { text?: string };
  text: string;
  service: () => Pick<ClaimStore, 'handOver'>;
  signal?: AbortSignal;
}): Promise<AnswerOutcome> {
  const before = readAnswers(o.boardPath).questions[o.question.postId]?.decided;
  if (before) return { kind: 'already', decided: before };
  const posted = await o.announcer.reply(o.question.postId, o.text, o.signal);
  const answer: Answer = { by: posted.by, text: o.text, decision: parseDecision(o.text), at: new Date(posted.at).toISOString(), source: `post:${posted.postId}` };
  // A reader may have recorded this very post already (it is in the channel now): then nothing more is applied.
  const [applied] = await recordAnswers({ boardPath: o.boardPath, found: [{ question: o.question, answer }], service: o.service });
  return { kind: 'answered', answer, applied };
}
