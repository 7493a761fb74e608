import * as fs from 'node:fs';
import type { Command } from '../command';
import type { CliContext } from '../cli-context';
import { claimJson, releaseJson } from '../../core/claim-json';
import { paint, table, whenRelative, type Paint } from '../format';
import { DEFAULT_TTL_MS, formatDurationExact, formatIsoLocal } from '../../core/duration';
import { waitForBoardChange } from '../../core/board-watch';
import type { Claim, SessionRecord } from '../../core/model';
import { announcementStatus } from '../announcements';
import { markSharedViewStale, readLastSharedView, StoreUnavailableError } from '../../core/claim-store';
import type { BoardView } from '../../core/claim-service';

function sessionJson(s: SessionRecord) {
  return {
    name: s.name,
    started: formatIsoLocal(s.started),
    repo: s.repo ?? null,
    task: s.task ?? null,
    pid: s.pid ?? null,
    host: s.host ?? null,
    ended: s.ended ? formatIsoLocal(s.ended) : null,
    line: s.line,
  };
}

/** Relative times go stale: a watching terminal is redrawn at least this often. */
const REDRAW_MS = 30_000;

export const status: Command = {
  name: 'status',
  usage: 'status [--watch]',
  summary: 'the board at a glance: live claims, sessions, expired claims, releases, pinned notes, problems, announcements',
  options: { watch: { type: 'boolean', help: 'stay open and redraw on every change to the board (Ctrl-C to stop)' } },
  examples: ['status', 'status --json', 'status --watch'],
  async run(ctx, { values }) {
    if (!values.watch) {
      ctx.out(await render(ctx));
      return 0;
    }
    // Redrawn in place on a terminal; piped, each board state follows the last, whole.
    const clear = ctx.color ? '\x1b[H\x1b[2J' : '';
    let stop = false;
    const onSignal = () => {
      stop = true;
    };
    // on, not once: a once listener is gone when proper-lockfile's signal-exit counts the listeners,
    // and it would then kill the process by the signal instead of letting the watch end cleanly.
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      for (;;) {
        ctx.out(`${clear}${await render(ctx)}${ctx.json ? '' : '\n'}`);
        let changed: 'changed' | 'timeout' = 'timeout';
        const wait = waitForChange(ctx);
        for (let waited = 0; !stop && changed === 'timeout' && waited < REDRAW_MS; waited += 1000) {
          changed = await wait(1000);
        }
        if (stop) return 0;
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/**
 * The board file changes on the file board. Over a shared store, the store tells of another
 * machine's change (LISTEN/NOTIFY), and the view file of a person's edit (each redraw rewrites
 * the view, so this machine's markdown board stays current while the watch runs).
 */
function waitForChange(ctx: CliContext): (ms: number) => Promise<'changed' | 'timeout'> {
  if (ctx.storeChoice().kind === 'file') return (ms) => waitForBoardChange(ctx.boardPath, ms);
  const store = ctx.service();
  const mtime = (): number => {
    try {
      return fs.statSync(ctx.boardPath).mtimeMs;
    } catch {
      return 0;
    }
  };
  const drawn = mtime();
  return async (ms) => {
    const heard = store.changed ? await store.changed(ms) : 'timeout';
    return heard === 'changed' || mtime() !== drawn ? 'changed' : 'timeout';
  };
}

async function render(ctx: CliContext): Promise<string> {
  const store = ctx.service();
  let v: BoardView;
  let stale: Date | undefined;
  try {
    v = await store.status();
  } catch (e) {
    // The shared store is down: the last view this machine saw, clearly marked as such.
    if (!(e instanceof StoreUnavailableError)) throw e;
    const last = readLastSharedView(ctx.boardPath);
    if (!last) throw e;
    stale = last.at;
    v = { boardPath: ctx.boardPath, exists: true, claims: last.claims, expired: [], releases: [], notes: last.notes, sessions: last.sessions, problems: [] };
    ctx.err(`claimboard: ${e.message}; showing the last known view, from ${formatIsoLocal(last.at)} (stale)`);
    await markSharedViewStale(ctx.boardPath, store.where, last.at);
  }
  const shared = ctx.storeChoice().kind !== 'file';
  const now = new Date();
  if (ctx.json) {
    return JSON.stringify(
      {
        ...(shared ? { store: store.where, stale: stale ? formatIsoLocal(stale) : null } : {}),
        board: v.boardPath,
        exists: v.exists,
        lastUpdated: v.exists && v.lastUpdated ? formatIsoLocal(v.lastUpdated) : null,
        claims: v.claims.map(claimJson),
        expired: v.expired.map(claimJson),
        releases: v.releases.map(releaseJson),
        notes: v.notes.map((n, i) => ({ n: i + 1, text: n.text, line: n.line })),
        sessions: v.sessions.map(sessionJson),
        problems: v.problems.map((p) => ({ line: p.line, message: p.message })),
        announcements: announcementStatus(ctx).json,
      },
      null,
      2,
    );
  }
  const p = paint(ctx.color);
  const lines: string[] = [];
  if (shared) lines.push(`${p.bold('Store:')} ${store.where}${stale ? p.red(` — STALE: unreachable, last known view from ${formatIsoLocal(stale)}`) : ''}`);
  else lines.push(`${p.bold('Board:')} ${v.boardPath}${v.exists ? '' : ' (does not exist yet: the first claim creates it)'}`);
  // A missing board has no time of its own: the seed's stamp would be an invented "now".
  if (v.exists && v.lastUpdated) lines.push(`${p.bold('Last updated:')} ${whenRelative(v.lastUpdated, now)}`);
  lines.push('', p.bold(`Active claims (${v.claims.length})`));
  if (v.claims.length > 0) lines.push(...claimTable(v.claims, now, p, false));
  const live = v.sessions.filter((s) => !s.ended);
  lines.push('', p.bold(`Sessions (${live.length})`));
  if (live.length > 0) {
    const held = (name: string) => v.claims.filter((c) => c.session === name).length;
    lines.push(
      ...table(
        ['SESSION', 'STARTED', 'CLAIMS', 'REPO', 'TASK'],
        live.map((s) => [s.name, whenRelative(s.started, now), String(held(s.name)), s.repo ?? '', s.task ?? '']),
        p,
        (_r, c, t) => (c === 0 ? p.cyan(t) : t),
      ),
    );
  }
  if (v.expired.length > 0) {
    lines.push('', p.bold(p.yellow(`Expired claims (${v.expired.length}; moved to releases on the next write)`)));
    lines.push(...claimTable(v.expired, now, p, true));
  }
  lines.push('', p.bold(`Recent releases (${v.releases.length})`));
  if (v.releases.length > 0) {
    lines.push(
      ...table(
        ['WHEN', 'SESSION', 'PATH', 'OUTCOME'],
        v.releases.map((r) => [whenRelative(r.at, now), r.session, r.path, r.outcome ?? 'done']),
        p,
        (_r, c, t) => (c === 1 ? p.cyan(t) : c === 3 && t.trim() !== 'done' ? p.yellow(t) : t),
      ),
    );
  }
  lines.push('', p.bold(`Pinned notes (${v.notes.length})`));
  v.notes.forEach((n, i) => lines.push(`  ${i + 1}. ${n.text}`));
  if (v.problems.length > 0) {
    lines.push('', p.bold(p.red(`Problems (${v.problems.length})`)));
    for (const pr of v.problems) lines.push(`  line ${pr.line}: ${pr.message}`);
  }
  lines.push(...announcementStatus(ctx).lines.map((l) => colourAnnouncement(l, p)));
  return lines.join('\n');
}

function colourAnnouncement(line: string, p: Paint): string {
  if (line.startsWith('Mattermost:')) return p.bold(line);
  return /^ {2}(failed|problem|last error)/.test(line) ? p.red(line) : line;
}

function claimTable(claims: Claim[], now: Date, p: Paint, expired: boolean): string[] {
  const notes = (c: Claim) =>
    [c.mode === 'shared' ? 'shared' : '', c.ttlMs !== undefined && c.ttlMs !== DEFAULT_TTL_MS ? `lease ${formatDurationExact(c.ttlMs)}` : '', c.reason ?? ''].filter(Boolean).join(', ');
  return table(
    ['SESSION', 'PATH', 'ETA', expired ? 'LEASE ENDED' : 'LEASE UNTIL', 'SINCE', 'NOTES'],
    claims.map((c) => [c.session, c.path, c.eta ? whenRelative(c.eta, now) : '?', whenRelative(c.expires, now), whenRelative(c.started, now), notes(c)]),
    p,
    (_r, col, t) => (col === 0 ? p.cyan(t) : expired && col === 3 ? p.yellow(t) : !expired && col === 2 && t.includes(' ago') ? p.yellow(t) : t),
  );
}
