/** How claims, releases and conflicts read in the terminal (their `--json` is the core's `claim-json`). */
import type { Claim, Release } from '../core/model';
import { describeHeld, type Conflict } from '../core/claim-service';
import { DEFAULT_TTL_MS, formatDurationExact, formatWhen } from '../core/duration';

export function describeClaim(c: Claim, now: Date): string {
  const bits = [`since ${formatWhen(c.started, now)}`, `eta ${c.eta ? formatWhen(c.eta, now) : '?'}`, `lease until ${formatWhen(c.expires, now)}`];
  if (c.ttlMs !== undefined && c.ttlMs !== DEFAULT_TTL_MS) bits.push(`renewed by ${formatDurationExact(c.ttlMs)}`);
  if (c.mode === 'shared') bits.push('shared');
  if (c.reason) bits.push(c.reason);
  return `${c.session}  ${c.path}  (${bits.join(', ')})`;
}

export function describeConflict(k: Conflict, now: Date): string {
  const h = k.holder;
  return `${describeHeld(k)} — eta ${h.eta ? formatWhen(h.eta, now) : '?'}, lease until ${formatWhen(h.expires, now)}`;
}

export function describeRelease(r: Release, now: Date): string {
  return `${formatWhen(r.at, now)}  ${r.session}  ${r.path}${r.outcome ? `  (${r.outcome})` : ''}`;
}

/**
 * Colour only for a person at a terminal: never with NO_COLOR (no-color.org), always with
 * FORCE_COLOR, else when standard output is a terminal.
 */
export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return Boolean(isTTY);
}

export interface Paint {
  bold(t: string): string;
  dim(t: string): string;
  red(t: string): string;
  yellow(t: string): string;
  green(t: string): string;
  cyan(t: string): string;
}

export function paint(color: boolean): Paint {
  const sgr = (open: number, close: number) => (t: string) => (color && t !== '' ? `\x1b[${open}m${t}\x1b[${close}m` : t);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), cyan: sgr(36, 39) };
}

/** `in 25 min`, `3 min ago`, `in 2 h 5 min`, `now`: how far a time is from `now`. */
export function formatRelative(d: Date, now: Date): string {
  const ms = d.getTime() - now.getTime();
  const min = Math.round(Math.abs(ms) / 60_000);
  if (min === 0) return 'now';
  const days = Math.floor(min / 1440);
  const hours = Math.floor((min % 1440) / 60);
  const mins = min % 60;
  const text = days > 0 ? `${days} d${hours ? ` ${hours} h` : ''}` : hours > 0 ? `${hours} h${mins ? ` ${mins} min` : ''}` : `${mins} min`;
  return ms > 0 ? `in ${text}` : `${text} ago`;
}

/** Time left, to the second while it is short: `45 s`, `4 min 05 s`, `1 h 20 min`. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** `19:45:30`: a clock time to the second. */
export function clockSeconds(d: Date): string {
  return d.toTimeString().slice(0, 8);
}

/** A clock time with how far it is: `19:45, in 25 min`. */
export function whenRelative(d: Date, now: Date): string {
  return `${formatWhen(d, now)}, ${formatRelative(d, now)}`;
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * Rows as aligned columns under a header, whatever the cells' lengths; `style` colours a
 * cell after it is padded, so colour never shifts a column.
 */
export function table(header: string[], rows: string[][], p: Paint, style: (row: number, col: number, text: string) => string = (_r, _c, t) => t): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').replace(SGR, '').length)));
  const line = (cells: string[], paintCell: (col: number, padded: string) => string) =>
    `  ${cells.map((c, i) => paintCell(i, i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [line(header, (_i, t) => p.dim(t)), ...rows.map((r, ri) => line(r, (ci, t) => style(ri, ci, t)))];
}
