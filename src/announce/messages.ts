/**
 * The text of every announcement, in the seed's forms:
 *   [session-a] starting — repo: home_k3s_cluster — task: longhorn debug
 *   [session-a] CLAIM `home_k3s_cluster/kubernetes/apps/longhorn/*` — eta 30min
 *   [session-a] RELEASE `home_k3s_cluster/kubernetes/apps/longhorn/*` — done
 * Paths go in code spans (a glob's `*` would otherwise turn into italics), and text a person or
 * a session typed can never ping a whole channel.
 */
import type { BoardEvent } from '../core/model';
import { formatDuration } from '../core/duration';
import { SEP } from '../core/separator';
import { must } from '../core/errors';

export type AnnouncementKind = 'start' | 'claim' | 'release' | 'expire' | 'takeover' | 'end' | 'ask' | 'needs-you';

export interface Announcement {
  kind: AnnouncementKind;
  session: string;
  text: string;
  path?: string;
  /** This post starts the thread of the claim with this key (REST only). */
  threadKey?: string;
  /** This post replies in the thread of the claim with this key, when its root is known. */
  replyTo?: string;
  /** A forced takeover: the session that held the path, whose claim thread this continues. */
  takenFrom?: string;
  /** Reply in this post's thread (a question's), ahead of any claim thread (REST only). */
  rootPostId?: string;
  /** The outbox id to use (also the `pending_post_id`), when the caller must find the post later. */
  id?: string;
  /**
   * A claim's lease length, remembered so its expiry can say how long there was no heartbeat;
   * on an expiry, the length the board recorded (which wins over the remembered one).
   */
  leaseMs?: number;
}

export interface MessageContext {
  now: Date;
  /** The human's username: `@me` becomes `@<mention>`. */
  mention?: string;
  /** The lease length, for "no heartbeat for 60 min". */
  ttlMs: number;
}

/** The key that ties a release or an expiry to the post of its claim. */
export function claimKey(e: { claimId?: string; session: string; path: string }): string {
  return e.claimId ? `id:${e.claimId}` : `sp:${e.session}\u0000${e.path}`;
}

/**
 * Stop `@channel`, `@all`, `@here` and `@someone` in typed text from notifying anyone: a word
 * joiner after the `@` renders the same, but Mattermost no longer reads a mention there.
 * Backticks are left alone so code spans still render.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=[\p{L}\p{N}._-])/gu, '@\u2060');
}

/** A path as a code span whose fence is longer than any backtick run inside it (CommonMark). */
export function codeSpan(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  // A path with both a backtick and an @ is pathological; neutralise so it can never ping.
  const body = longest > 0 ? neutraliseMentions(text) : text;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Typed text is shown, never rendered: the markdown that links, embeds or emphasises
 * (`[x](url)`, `![](img)`, `<javascript:…>`, `*`) is escaped, so a reason cannot put an image
 * or a `javascript:` link in the channel.
 */
export function escapeMarkdown(text: string): string {
  // `_` stays: intraword it never emphasises in CommonMark, and the seed's `home_k3s_cluster`
  // must read as typed.
  return text.replace(/[\\[\]<>*]/g, '\\$&');
}

/** Collapse newlines: one announcement is one line, so a pasted block cannot forge posts. */
function userText(text: string): string {
  return neutraliseMentions(escapeMarkdown(text.replace(/\s*[\r\n]+\s*/g, ' ').trim()));
}

function tag(session: string): string {
  return `[${userText(session)}]`;
}

/** The seed says "no heartbeat for 60 min", not "1h". */
export function ttlText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;
}

function etaText(eta: Date | undefined, now: Date): string {
  if (!eta) return '';
  const ms = eta.getTime() - now.getTime();
  return ms > 0 ? `${SEP}eta ${formatDuration(ms)}` : `${SEP}eta now`;
}

/**
 * One board write's events as announcements, in order. A session's `end` is one post, so the
 * releases it caused in the same batch are folded into it; a forced claim is one post too.
 */
export function announcementsFor(events: readonly BoardEvent[], ctx: MessageContext): Announcement[] {
  const ended = new Map<string, Set<string>>();
  for (const e of events) if (e.kind === 'end') ended.set(e.session, new Set(e.paths));
  const takenOver = new Map<string, string>();
  for (const e of events) if (e.kind === 'takeover') takenOver.set(`${e.session}\u0000${e.path}`, e.from);
  const claimed = new Set<string>();
  for (const e of events) if (e.kind === 'claim') claimed.add(`${e.session}\u0000${e.path}`);

  const out: Announcement[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'start': {
        const parts = [`${tag(e.session)} starting`];
        if (e.repo) parts.push(`repo: ${userText(e.repo)}`);
        if (e.task) parts.push(`task: ${userText(e.task)}`);
        out.push({ kind: 'start', session: e.session, text: parts.join(SEP) });
        break;
      }
      case 'claim': {
        const from = takenOver.get(`${e.session}\u0000${e.path}`);
        let text = `${tag(e.session)} CLAIM ${codeSpan(e.path)}${etaText(e.eta, ctx.now)}`;
        if (e.mode === 'shared') text += `${SEP}shared`;
        if (e.reason) text += `${SEP}${userText(e.reason)}`;
        if (from) text += `${SEP}taken over from ${userText(from)} (forced)`;
        const leaseMs = e.ttlMs ?? e.expires.getTime() - ctx.now.getTime();
        out.push({ kind: from ? 'takeover' : 'claim', session: e.session, path: e.path, text, threadKey: claimKey(e), takenFrom: from, leaseMs: leaseMs > 0 ? leaseMs : undefined });
        break;
      }
      case 'release': {
        if (ended.get(e.session)?.has(e.path)) break;
        out.push({
          kind: 'release',
          session: e.session,
          path: e.path,
          text: `${tag(e.session)} RELEASE ${codeSpan(e.path)}${SEP}done`,
          replyTo: claimKey(e),
        });
        break;
      }
      case 'expire': {
        const why = e.why === 'holder-gone' ? 'holder process is gone' : `no heartbeat for ${ttlText(e.leaseMs ?? ctx.ttlMs)}`;
        out.push({
          kind: 'expire',
          session: e.session,
          path: e.path,
          text: `${tag(e.session)} EXPIRED ${codeSpan(e.path)}${SEP}${why}`,
          leaseMs: e.why === 'lease' ? e.leaseMs : undefined,
          replyTo: claimKey(e),
        });
        break;
      }
      case 'takeover': {
        // Already said on the claim's own post when the same write granted the claim.
        if (claimed.has(`${e.session}\u0000${e.path}`)) break;
        out.push({
          kind: 'takeover',
          session: e.session,
          path: e.path,
          text: `${tag(e.session)} TAKEOVER ${codeSpan(e.path)} from ${userText(e.from)} ${e.approvedBy ? `(approved by ${userText(`@${e.approvedBy}`)})` : '(forced)'}`,
          threadKey: claimKey(e),
          takenFrom: e.from,
          // A handover is said in the thread of the question the person answered.
          rootPostId: e.questionId,
        });
        break;
      }
      case 'end': {
        const held = e.paths.length ? `released ${e.paths.map(codeSpan).join(', ')}` : 'held nothing';
        out.push({ kind: 'end', session: e.session, text: `${tag(e.session)} ending${SEP}${held}` });
        break;
      }
    }
  }
  return out;
}

/** An expiry's text with the lease its claim actually had (the default TTL is only a guess). */
export function withLease(text: string, leaseMs: number): string {
  return text.replace(/no heartbeat for [^\u2014]*$/, `no heartbeat for ${ttlText(leaseMs)}`);
}

export interface AskInput {
  session: string;
  /** Who holds `path`, for a question about a held path; absent for a plain question. */
  holder?: string;
  path?: string;
  message?: string;
  mention?: string;
}

/**
 * About a held path: `[session-b] @me session-a is holding <path> — <message>, OK to interrupt?`;
 * otherwise the question itself: `[session-b] @me <message>`.
 */
export function askAnnouncement(a: AskInput): Announcement {
  const me = a.mention ? `@${a.mention} ` : '';
  if (a.holder === undefined || a.path === undefined) {
    return { kind: 'ask', session: a.session, text: `${tag(a.session)} ${me}${userText(a.message ?? '')}` };
  }
  const message = a.message ? userText(a.message).replace(/[\s,.;:!?]+$/, '') : '';
  const tail = message ? `${message}, OK to interrupt?` : 'OK to interrupt?';
  return {
    kind: 'ask',
    session: a.session,
    path: a.path,
    text: `${tag(a.session)} ${me}${userText(a.holder)} is holding ${codeSpan(a.path)}${SEP}${tail}`,
  };
}

/**
 * A session has waited for the person longer than CLAIMBOARD_NEEDS_YOU_AFTER:
 * `[session-b] @alice needs you — <what it waits for>`. Only the configured person is
 * mentioned, never the channel.
 */
export function needsYouAnnouncement(a: { session: string; what: string; mention?: string }): Announcement {
  const me = a.mention ? `@${a.mention} ` : '';
  return { kind: 'needs-you', session: a.session, text: `${tag(a.session)} ${me}needs you${SEP}${userText(a.what)}` };
}

export interface ParsedAnnouncement {
  kind: AnnouncementKind;
  session: string;
  path?: string;
  /** The holder named in a question. */
  holder?: string;
}

/** Read a channel post back as an announcement (for the recap); undefined for other posts. */
export function parseAnnouncement(text: string): ParsedAnnouncement | undefined {
  const m = /^\[([^\]\n]+)\] (.*)$/s.exec(text);
  if (!m) return undefined;
  const session = must(m[1], 'announcement session').replace(/\u2060/g, '');
  const rest = must(m[2], 'announcement text');
  const path = firstCodeSpan(rest);
  if (rest.startsWith('starting')) return { kind: 'start', session };
  if (rest.startsWith('ending')) return { kind: 'end', session };
  if (rest.startsWith('CLAIM ')) return { kind: /taken over from/.test(rest) ? 'takeover' : 'claim', session, path };
  if (rest.startsWith('RELEASE ')) return { kind: 'release', session, path };
  if (rest.startsWith('EXPIRED ')) return { kind: 'expire', session, path };
  if (rest.startsWith('TAKEOVER ')) return { kind: 'takeover', session, path };
  if (/^(?:@\S+ )?needs you \u2014 /.test(rest)) return { kind: 'needs-you', session };
  const ask = /^(?:@\S+ )?(\S+) is holding /.exec(rest);
  if (ask && /OK to interrupt\?$/.test(rest)) return { kind: 'ask', session, path, holder: must(ask[1], 'holder').replace(/\u2060/g, '') };
  // A plain question: it mentions the person first.
  if (/^@\S+ \S/.test(rest)) return { kind: 'ask', session };
  return undefined;
}

function firstCodeSpan(text: string): string | undefined {
  const m = /(`+)( ?)(.*?)\2\1(?!`)/s.exec(text);
  return m ? must(m[3], 'code span').replace(/@\u2060/g, '@') : undefined;
}
