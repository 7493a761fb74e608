/**
 * The recap a returning person or a resumed session is greeted with: per session, what it
 * started, claimed, released, asked and what expired (newest last), plus questions still open.
 * Read from the channel (REST, paging back to `since`) or, with only a webhook, from the local
 * journal of what this machine posted.
 */
import type { Post } from '@mattermost/types/posts';
import { parseAnnouncement, type AnnouncementKind } from './messages';
import type { MattermostClient } from './mattermost-client';
import type { JournalLine } from './outbox';
import type { QuestionState } from './answers';
import type { Decision } from './decision';
import { formatClock, formatDayAndClock, formatIsoLocal } from '../core/duration';

/**
 * How far back a recap looks when nobody says (`recap` in the CLI and MCP, VS Code's recap, a
 * session's start): one default for every adapter, long enough to cover a person's working day.
 */
export const RECAP_WINDOW = '8h';
export const RECAP_WINDOW_MS = 8 * 3_600_000;

export interface RecapItem {
  at: string;
  kind: AnnouncementKind;
  path?: string;
  text: string;
}

export interface RecapQuestion {
  at: string;
  session: string;
  holder?: string;
  path?: string;
  text: string;
}

/** The person's answer to a question, as the answers journal recorded it (each once, by its source). */
export interface RecapAnswer {
  at: string;
  by: string;
  text: string;
  decision: Decision;
  /** The session that asked, and what about. */
  session: string;
  holder?: string;
  path?: string;
  /** This answer decided the question (the first yes or no); with a yes about a path, whether the asker got it. */
  decided: boolean;
  holds?: boolean;
}

export interface Recap {
  /** ISO 8601 with the local offset, like every time claimboard prints. */
  since: string;
  source: 'channel' | 'journal';
  sessions: { session: string; items: RecapItem[] }[];
  openQuestions: RecapQuestion[];
  /** Answers given in the window, oldest first. */
  answers: RecapAnswer[];
  /** Posts read that were not claimboard announcements (people talking): counted, not shown. */
  otherPosts: number;
}

interface ReadFromChannel {
  since: Date;
  /** The answers journal's questions (`readAnswers`): who answered what, read off the channel by the listener, `ask --wait` or VS Code. */
  answered?: Record<string, QuestionState>;
  source: 'channel';
  client: MattermostClient;
  serverUrl: string;
  token: string;
  channelId: string;
  /** Page size (the server caps it at 200). */
  perPage?: number;
  maxPages?: number;
  /** Cancels the whole read (all pages); default 15 s per page. */
  signal?: AbortSignal;
}

interface ReadFromJournal {
  since: Date;
  answered?: Record<string, QuestionState>;
  source: 'journal';
  journal: JournalLine[];
}

interface Said {
  at: number;
  id?: string;
  rootId?: string;
  text: string;
}

export async function readRecap(input: ReadFromChannel | ReadFromJournal): Promise<Recap> {
  const since = input.since.getTime();
  const said: Said[] = [];
  if (input.source === 'journal') {
    for (const j of input.journal) said.push({ at: Date.parse(j.at), id: j.postId, rootId: j.rootId, text: j.text });
  } else {
    const perPage = input.perPage ?? 200;
    const seen = new Set<string>();
    for (let page = 0; page < (input.maxPages ?? 50); page++) {
      const list = await input.client.getChannelPosts(input.serverUrl, input.token, input.channelId, { page, perPage }, input.signal ?? AbortSignal.timeout(15_000));
      const posts = list.order.map((id) => list.posts[id]).filter((p): p is Post => p !== undefined);
      for (const p of posts) {
        if (seen.has(p.id) || p.delete_at) continue;
        seen.add(p.id);
        said.push({ at: p.create_at, id: p.id, rootId: p.root_id || undefined, text: p.message });
      }
      // Pages go newest first: once a page reaches back past `since`, older pages cannot matter.
      if (posts.length < perPage || posts.some((p) => p.create_at < since)) break;
    }
  }
  return buildRecap(
    said.filter((s) => s.at >= since).sort((a, b) => a.at - b.at),
    input.since,
    input.source,
    input.answered ?? {},
  );
}

function buildRecap(said: Said[], since: Date, source: Recap['source'], answered: Record<string, QuestionState>): Recap {
  const sessions = new Map<string, RecapItem[]>();
  const questions: (RecapQuestion & { id?: string; atMs: number })[] = [];
  const repliedTo = new Set<string>();
  const freed: { path: string; session: string; at: number }[] = [];
  let otherPosts = 0;
  for (const s of said) {
    if (s.rootId) repliedTo.add(s.rootId);
    const a = parseAnnouncement(s.text);
    if (!a) {
      otherPosts++;
      continue;
    }
    const at = formatIsoLocal(new Date(s.at));
    let items = sessions.get(a.session);
    if (!items) sessions.set(a.session, (items = []));
    items.push({ at, kind: a.kind, path: a.path, text: s.text });
    if (a.kind === 'ask') questions.push({ at, atMs: s.at, id: s.id, session: a.session, holder: a.holder, path: a.path, text: s.text });
    if ((a.kind === 'release' || a.kind === 'expire' || a.kind === 'takeover') && a.path) freed.push({ path: a.path, session: a.session, at: s.at });
    if (a.kind === 'end') freed.push({ path: '*', session: a.session, at: s.at });
  }
  // A question is settled by a reply in its thread, or by the holder letting go of the path.
  const open = questions.filter(
    (q) => !(q.id && (repliedTo.has(q.id) || answered[q.id]?.decided)) && !freed.some((f) => f.at >= q.atMs && (f.path === q.path || (f.path === '*' && f.session === q.holder))),
  );
  return {
    since: formatIsoLocal(since),
    source,
    sessions: [...sessions].map(([session, items]) => ({ session, items })),
    openQuestions: open.map(({ at, session, holder, path, text }) => ({ at, session, holder, path, text })),
    answers: answersSince(answered, since.getTime()),
    otherPosts,
  };
}

/** Every answer given since then, to questions asked in the window or before it. */
function answersSince(answered: Record<string, QuestionState>, since: number): RecapAnswer[] {
  const out: (RecapAnswer & { atMs: number })[] = [];
  for (const q of Object.values(answered)) {
    for (const a of q.answers) {
      const atMs = Date.parse(a.at);
      if (!(atMs >= since)) continue;
      const decided = q.decided?.source === a.source;
      out.push({
        atMs,
        at: formatIsoLocal(new Date(atMs)),
        by: a.by,
        text: a.text,
        decision: a.decision,
        session: q.session,
        holder: q.holder,
        path: q.path,
        decided,
        ...(decided && q.decided?.holds !== undefined ? { holds: q.decided.holds } : {}),
      });
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs).map(({ atMs: _, ...a }) => a);
}

/** `@alice answered session-b about `x`: "take it" (yes, handed over)`. */
function answerLine(a: RecapAnswer): string {
  const about = a.path ? ` about \`${a.path}\`` : '';
  const words = a.text.replace(/\s+/g, ' ').trim();
  const shown = words.length > 200 ? `${words.slice(0, 199)}…` : words;
  let what: string = a.decision === 'other' ? 'not a yes or no' : a.decision;
  if (!a.decided && a.decision !== 'other') what += ', after the decision';
  if (a.decided && a.decision === 'yes' && a.path && a.holder) what += a.holds ? `, handed over from ${a.holder}` : `, ${a.holder} or another still holds it`;
  return `@${a.by} answered ${a.session}${about}: "${shown}" (${what})`;
}

/** Plain text for the terminal and for a Claude session's context. */
export function formatRecap(r: Recap): string {
  const lines: string[] = [];
  const from = r.source === 'channel' ? 'the channel' : "this machine's journal of its posts, as a webhook cannot read the channel";
  const since = new Date(r.since);
  lines.push(`Mattermost recap since ${formatDayAndClock(since)}, from ${from}:`);
  if (r.sessions.length === 0) lines.push('  nothing announced');
  for (const s of r.sessions) {
    lines.push(`${s.session}:`);
    for (const i of s.items) lines.push(`  ${formatClock(new Date(i.at))}  ${i.text.replace(/^\[[^\]]+\] /, '')}`);
  }
  if (r.openQuestions.length) {
    lines.push('Open questions:');
    for (const q of r.openQuestions) lines.push(`  ${formatClock(new Date(q.at))}  ${q.text}`);
  }
  if (r.answers?.length) {
    lines.push("The person's answers:");
    for (const a of r.answers) lines.push(`  ${formatClock(new Date(a.at))}  ${answerLine(a)}`);
  }
  if (r.otherPosts) lines.push(`(${r.otherPosts} other message${r.otherPosts === 1 ? '' : 's'} in the channel)`);
  return lines.join('\n');
}
