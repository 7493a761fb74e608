import type { Command } from '../command';
import { claimJson, describeClaim, describeRelease, releaseJson } from '../format';
import { formatIsoLocal } from '../../core/duration';
import type { SessionRecord } from '../../core/model';
import { announcementStatus } from '../announcements';
import { readLastSharedView, StoreUnavailableError } from '../../core/claim-store';
import type { BoardView } from '../../core/claim-service';

function sessionJson(s: SessionRecord) {
  return {
    name: s.name, started: formatIsoLocal(s.started), repo: s.repo ?? null, task: s.task ?? null,
    pid: s.pid ?? null, host: s.host ?? null, ended: s.ended ? formatIsoLocal(s.ended) : null, line: s.line,
  };
}

export const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'the board: live claims, expired claims, releases, pinned notes, problems',
  async run(ctx) {
    const store = ctx.service();
    let v: BoardView;
    let stale: { at: Date; why: string } | undefined;
    try {
      v = await store.status();
    } catch (e) {
      // The shared store is down: the last view this machine saw, clearly marked as such.
      if (!(e instanceof StoreUnavailableError)) throw e;
      const last = readLastSharedView(ctx.boardPath);
      if (!last) throw e;
      stale = { at: last.at, why: e.message };
      v = { boardPath: ctx.boardPath, exists: true, claims: last.claims, expired: [], releases: [], notes: last.notes, sessions: last.sessions, problems: [] };
      ctx.err(`claimboard: ${e.message}; showing the last known view, from ${formatIsoLocal(last.at)} (stale)`);
    }
    const now = new Date();
    if (ctx.json) {
      ctx.out(JSON.stringify({
        ...(ctx.storeChoice().kind === 'file' ? {} : { store: store.where, stale: stale ? formatIsoLocal(stale.at) : null }),
        board: v.boardPath, exists: v.exists, lastUpdated: v.exists && v.lastUpdated ? formatIsoLocal(v.lastUpdated) : null,
        claims: v.claims.map(claimJson), expired: v.expired.map(claimJson), releases: v.releases.map(releaseJson),
        notes: v.notes.map((n, i) => ({ n: i + 1, text: n.text, line: n.line })),
        sessions: v.sessions.map(sessionJson),
        problems: v.problems.map((p) => ({ line: p.line, message: p.message })),
        announcements: announcementStatus(ctx).json,
      }, null, 2));
      return 0;
    }
    const lines: string[] = [];
    if (ctx.storeChoice().kind !== 'file') lines.push(`Store: ${store.where}${stale ? ` — STALE: unreachable, last known view from ${formatIsoLocal(stale.at)}` : ''}`);
    else lines.push(`Board: ${v.boardPath}${v.exists ? '' : ' (does not exist yet: the first claim creates it)'}`);
    // A missing board has no time of its own: the seed's stamp would be an invented "now".
    if (v.exists && v.lastUpdated) lines.push(`Last updated: ${formatIsoLocal(v.lastUpdated)}`);
    lines.push('', `Active claims (${v.claims.length})`);
    for (const c of v.claims) lines.push(`  ${describeClaim(c, now)}`);
    if (v.expired.length > 0) {
      lines.push('', `Expired claims (${v.expired.length}; moved to releases on the next write)`);
      for (const c of v.expired) lines.push(`  ${describeClaim(c, now)}`);
    }
    lines.push('', `Recent releases (${v.releases.length})`);
    for (const r of v.releases) lines.push(`  ${describeRelease(r, now)}`);
    lines.push('', `Pinned notes (${v.notes.length})`);
    v.notes.forEach((n, i) => lines.push(`  ${i + 1}. ${n.text}`));
    if (v.problems.length > 0) {
      lines.push('', `Problems (${v.problems.length})`);
      for (const p of v.problems) lines.push(`  line ${p.line}: ${p.message}`);
    }
    lines.push(...announcementStatus(ctx).lines);
    ctx.out(lines.join('\n'));
    return 0;
  },
};
