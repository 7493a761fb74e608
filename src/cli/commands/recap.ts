import type { Command } from '../command';
import { EXIT } from '../cli-context';
import { cliAnnouncer, closeAnnouncers } from '../announcements';
import type { BoardView } from '../../core/claim-service';
import { formatClock, formatDayAndClock, formatIsoLocal, parseDuration } from '../../core/duration';
import { SEP } from '../../core/separator';
import { formatRecap, RECAP_WINDOW, type Recap } from '../../announce';

interface BoardItem {
  at: string;
  kind: 'start' | 'claim' | 'release' | 'expire' | 'end';
  path?: string;
  text: string;
}

export const recap: Command = {
  name: 'recap',
  usage: `recap [--since ${RECAP_WINDOW}]`,
  summary: "what each session started, claimed, released, asked, and what expired: from the board's own history and the channel",
  options: { since: { type: 'string', arg: 'DURATION', help: 'how far back to look', default: RECAP_WINDOW } },
  examples: ['recap', 'recap --since 8h'],
  async run(ctx, { values }) {
    const sinceMs = parseDuration(values.since !== undefined ? String(values.since) : RECAP_WINDOW, 'since');
    const since = new Date(Date.now() - sinceMs);
    // The board is the source of truth and needs no settings: its history always comes first.
    const board = boardHistory(await ctx.service().status(), since);
    const { announcer, loaded } = cliAnnouncer({ boardPath: ctx.boardPath, env: ctx.env, err: ctx.err });
    try {
      let channel: Recap | undefined;
      let channelError: string | undefined;
      if (loaded.configured) {
        try {
          channel = await announcer.recap({ since });
        } catch (err) {
          channelError = (err as Error).message;
        }
      }
      if (ctx.json) {
        const empty = { sessions: [], openQuestions: [], answers: [], otherPosts: 0 };
        const mattermost = loaded.configured ? (channel ? channel.source : 'unreadable') : 'not configured';
        ctx.outJson({ ...(channel ?? empty), since: formatIsoLocal(since), mattermost, board });
      } else {
        const lines = [`Board since ${formatDayAndClock(since)}:`];
        if (board.length === 0) lines.push('  nothing happened on the board');
        for (const s of board) {
          lines.push(`${s.session}:`);
          for (const i of s.items) lines.push(`  ${formatClock(new Date(i.at))}  ${i.text}`);
        }
        lines.push('');
        if (channel) lines.push(formatRecap(channel));
        else if (!loaded.configured) lines.push('Mattermost: not configured, so nothing was posted to read back.');
        ctx.out(lines.join('\n'));
      }
      if (channelError !== undefined) {
        ctx.err(`claimboard: could not read the channel: ${channelError}`);
        return EXIT.unexpected;
      }
      return EXIT.ok;
    } finally {
      await closeAnnouncers();
    }
  },
};

/** Per session, newest last: sessions started and ended, claims made, releases and expiries. */
function boardHistory(view: BoardView, since: Date): { session: string; items: BoardItem[] }[] {
  const all: (BoardItem & { session: string; ms: number })[] = [];
  const add = (session: string, at: Date, item: Omit<BoardItem, 'at'>): void => {
    if (at.getTime() >= since.getTime()) all.push({ ...item, session, at: formatIsoLocal(at), ms: at.getTime() });
  };
  for (const s of view.sessions) {
    const about = [s.repo ? `repo: ${s.repo}` : '', s.task ? `task: ${s.task}` : ''].filter(Boolean);
    add(s.name, s.started, { kind: 'start', text: ['starting', ...about].join(SEP) });
    if (s.ended) add(s.name, s.ended, { kind: 'end', text: 'ended' });
  }
  for (const c of [...view.claims, ...view.expired]) {
    add(c.session, c.started, { kind: 'claim', path: c.path, text: `CLAIM ${c.path}${c.eta ? ` — eta ${formatClock(c.eta)}` : ''}${c.reason ? ` — ${c.reason}` : ''}` });
  }
  for (const r of view.releases) {
    const expired = /^expired/.test(r.outcome ?? '');
    add(r.session, r.at, { kind: expired ? 'expire' : 'release', path: r.path, text: `${expired ? 'EXPIRED' : 'RELEASE'} ${r.path}${r.outcome ? ` — ${r.outcome}` : ''}` });
  }
  // Release times are to the minute: within one, a start comes before its claims, and those
  // before their releases.
  const rank: Record<BoardItem['kind'], number> = { start: 0, claim: 1, release: 2, expire: 2, end: 3 };
  all.sort((a, b) => Math.floor(a.ms / 60_000) - Math.floor(b.ms / 60_000) || rank[a.kind] - rank[b.kind] || a.ms - b.ms);
  const bySession = new Map<string, BoardItem[]>();
  for (const { session, ms: _ms, ...item } of all) {
    let items = bySession.get(session);
    if (!items) bySession.set(session, (items = []));
    items.push(item);
  }
  return [...bySession].map(([session, items]) => ({ session, items }));
}
