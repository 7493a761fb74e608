import type { Command } from '../command';
import { claimJson, describeClaim, describeRelease, releaseJson } from '../format';
import { formatIsoLocal } from '../../core/duration';
import type { SessionRecord } from '../../core/model';
import { announcementStatus } from '../announcements';

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
  examples: ['status', 'status --json'],
  run(ctx) {
    const v = ctx.service().status();
    const now = new Date();
    if (ctx.json) {
      ctx.outJson({
        board: v.boardPath, exists: v.exists, lastUpdated: v.exists && v.lastUpdated ? formatIsoLocal(v.lastUpdated) : null,
        claims: v.claims.map(claimJson), expired: v.expired.map(claimJson), releases: v.releases.map(releaseJson),
        notes: v.notes.map((n, i) => ({ n: i + 1, text: n.text, line: n.line })),
        sessions: v.sessions.map(sessionJson),
        problems: v.problems.map((p) => ({ line: p.line, message: p.message })),
        announcements: announcementStatus(ctx).json,
      });
      return 0;
    }
    const lines: string[] = [];
    lines.push(`Board: ${v.boardPath}${v.exists ? '' : ' (does not exist yet: the first claim creates it)'}`);
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
