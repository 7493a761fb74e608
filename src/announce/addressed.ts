/**
 * Messages the person addresses to a session in the channel: `session-b: stop touching the
 * parser`, `@session-b …`, or a reply in the thread of one of that session's posts (a claim, a
 * start; answers to questions are read as answers instead). Only the people who decide are heard.
 */
import type { ReadResult } from './channel-reader';
import type { JournalLine } from './outbox';

export interface AddressedMessage {
  postId: string;
  session: string;
  at: string;
  text: string;
}

export function addressedMessages(
  read: Pick<ReadResult, 'posts'>,
  journal: readonly JournalLine[],
  deciders: ReadonlySet<string>,
  questions: ReadonlySet<string>,
  sessions: readonly string[],
): AddressedMessage[] {
  const byLower = new Map(sessions.map((s) => [s.toLowerCase(), s]));
  const postSession = new Map<string, string>();
  for (const j of journal) if (j.postId) postSession.set(j.postId, j.session);
  const out: AddressedMessage[] = [];
  for (const p of read.posts) {
    if (p.fromClaimboard || !deciders.has(p.user)) continue;
    const at = new Date(p.at).toISOString();
    const named = /^\s*@?([\w.@+-]+?)[:,]?\s+(\S[\s\S]*)$/u.exec(p.text);
    const head = named?.[1] ? byLower.get(named[1].toLowerCase()) : undefined;
    // `session-b: …` needs the colon or the @: a message that merely starts with a word is not addressed.
    const explicit = named && head && (/^\s*@/.test(p.text) || new RegExp(`^\\s*${escapeRe(named[1] ?? '')}[:,]`).test(p.text));
    if (explicit && head) {
      out.push({ postId: p.id, session: head, at, text: `@${p.user} wrote to you (${head}) in Mattermost: ${quote(p.text)}` });
      continue;
    }
    if (p.rootId && !questions.has(p.rootId)) {
      const owner = postSession.get(p.rootId);
      if (owner && byLower.has(owner.toLowerCase())) out.push({ postId: p.id, session: owner, at, text: `@${p.user} replied in Mattermost to your post: ${quote(p.text)}` });
    }
  }
  return out;
}

function quote(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return `"${t.length > 500 ? `${t.slice(0, 499)}…` : t}"`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
