/**
 * Durations (`90s`, `30m`, `30min`, `2h`) and times (`19:45`, ISO 8601) as people type them.
 */

import { InputError, must } from './errors';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** The forms a duration may take, named in every message that refuses one. */
export const DURATION_FORMS = '90s, 30m, 30min, 1h30m, 2h, 1d';

/** The forms an ETA may take, named in every message that refuses one. */
export const ETA_FORMS = `a duration from now (${DURATION_FORMS}), HH:MM (24h) or an ISO 8601 time (2026-04-27T19:45)`;

const DAY_MS = 86_400_000;

/**
 * No duration reaches past this, whatever it is for: a larger one would overflow a `Date` and
 * be written as `NaN` (the Date range ends 100,000,000 days from 1970).
 */
export const MAX_DURATION_MS = 366 * DAY_MS;

/**
 * A lease (`--ttl`, `CLAIMBOARD_TTL`, a board line's `ttl`) and how far ahead an ETA may be:
 * at least a second (a shorter lease has ended before the command that took it has printed),
 * at most a week (a claim nobody renews for longer is a pinned note, not a lease).
 */
export const LEASE_MIN_MS = 1_000;
export const LEASE_MAX_MS = 7 * DAY_MS;

/** A claim's lease when nobody chose one (`--ttl`, `CLAIMBOARD_TTL`, a line's `ttl`): the seed's next step. */
export const DEFAULT_TTL_MS = 60 * 60_000;

function durationError(what: string, text: string, bounds?: { min: number; max: number }): InputError {
  const range = bounds ? `from ${formatDurationExact(bounds.min)} to ${formatDurationExact(bounds.max)}, ` : '';
  return new InputError(`bad ${what} "${text}": use ${range}in forms like ${DURATION_FORMS}`);
}

/** Parses `90s`, `30m`, `30min`, `1h30m`, `2h`, `1d`. Throws InputError on anything else. */
export function parseDuration(text: string, what = 'duration'): number {
  const s = text.trim().toLowerCase();
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = UNIT_MS[must(m[2], 'the unit of a duration')];
    if (unit === undefined) break;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  if (s.length === 0 || matched !== s.length || !(total >= 1) || total > MAX_DURATION_MS) {
    throw durationError(what, text);
  }
  return Math.round(total);
}

/** A lease length, within the lease bounds: `--ttl`, `renew --ttl`, `CLAIMBOARD_TTL`. */
export function parseLeaseDuration(text: string, what = 'lease length'): number {
  const bounds = { min: LEASE_MIN_MS, max: LEASE_MAX_MS };
  let ms: number;
  try {
    ms = parseDuration(text, what);
  } catch {
    throw durationError(what, text, bounds);
  }
  if (ms < bounds.min || ms > bounds.max) throw durationError(what, text, bounds);
  return ms;
}

/** Refuses a lease length in milliseconds outside the bounds (adapters that pass numbers). */
export function checkLeaseLength(ms: number): void {
  if (!(ms >= LEASE_MIN_MS && ms <= LEASE_MAX_MS)) {
    throw new InputError(`bad lease length ${formatDurationExact(Math.max(0, Math.round(ms || 0)))}: use from ${formatDurationExact(LEASE_MIN_MS)} to ${formatDurationExact(LEASE_MAX_MS)}`);
  }
}

/**
 * `CLAIMBOARD_TTL`: the default lease length of every adapter (CLI, hooks, VS Code). Undefined
 * when unset; InputError naming the variable when it is not a lease length.
 */
export function ttlFromEnv(env: Record<string, string | undefined>): number | undefined {
  const text = env.CLAIMBOARD_TTL;
  if (text === undefined || text.trim() === '') return undefined;
  return parseLeaseDuration(text, 'CLAIMBOARD_TTL');
}

/** Exact and re-readable by `parseDuration`: `90s` stays `1min30s`, never rounded to `2min`. */
export function formatDurationExact(ms: number): string {
  let rest = Math.round(ms / 1000);
  if (rest <= 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** Short human form of a duration: `45min`, `2h`, `1h30min`, `20s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))}s`;
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}min`;
  return m === 0 ? `${h}h` : `${h}h${m}min`;
}

/**
 * `19:45` or `9:05` (24-hour wall clock) as hours and minutes; undefined for anything else.
 * The one reader of HH:MM, for typed times and board lines alike; no regex, since a hook's cold
 * start reads thousands of these.
 */
export function parseClock(text: string): [hours: number, minutes: number] | undefined {
  const t = text.trim();
  const colon = t.indexOf(':');
  if ((colon !== 1 && colon !== 2) || t.length !== colon + 3) return undefined;
  let hours = 0;
  let minutes = 0;
  for (let i = 0; i < t.length; i++) {
    if (i === colon) continue;
    const digit = t.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    if (i < colon) hours = hours * 10 + digit;
    else minutes = minutes * 10 + digit;
  }
  return hours <= 23 && minutes <= 59 ? [hours, minutes] : undefined;
}

/** `19:45` → the next occurrence at or after `now` (local time); ISO 8601 → that instant. */
export function parseTime(text: string, now: Date): Date {
  const s = text.trim();
  const hm = parseClock(s);
  if (hm) {
    const d = clockAtOrAfter(hm[0], hm[1], now);
    if (!d) throw new InputError(`bad time "${text}": use HH:MM (24h) or ISO 8601`);
    return d;
  }
  const iso = parseIso(s);
  if (!iso) throw new InputError(`bad time "${text}": use HH:MM (24h) or ISO 8601`);
  return iso;
}

/**
 * An ETA as typed: a duration from now (`30m`) or a time (`19:45`, ISO), after `now` and at
 * most the longest lease ahead (the lease is made to reach the ETA).
 */
export function parseEta(text: string, now: Date): Date {
  const s = text.trim();
  let eta: Date;
  try {
    eta = /^\d+(?:\.\d+)?\s*[a-z]/i.test(s) && !/^\d{4}-/.test(s) ? new Date(now.getTime() + parseDuration(s, 'eta')) : parseTime(s, now);
  } catch {
    // Whichever form it was taken for, the person is told all of them.
    throw new InputError(`bad eta "${text}": use ${ETA_FORMS}`);
  }
  checkEta(eta, now, text);
  return eta;
}

/** An ETA must be ahead of `now` and within the longest lease. */
export function checkEta(eta: Date, now: Date, text = formatIsoLocal(eta)): void {
  const ahead = eta.getTime() - now.getTime();
  if (!(ahead > 0)) throw new InputError(`eta ${text} is in the past`);
  if (ahead > LEASE_MAX_MS) {
    throw new InputError(`bad eta "${text}": at most ${formatDurationExact(LEASE_MAX_MS)} ahead, as ${ETA_FORMS}`);
  }
}

/**
 * That wall-clock time on the local day of `day`. Arithmetic on the zone offset rather than
 * `setHours`: a board of 1,000 claims resolves thousands of these on a hook's cold start.
 */
function atLocalTime(day: Date, hours: number, minutes: number): Date | undefined {
  if (hours > 23 || minutes > 59 || hours < 0 || minutes < 0) return undefined;
  const offset = day.getTimezoneOffset() * 60_000;
  const local = day.getTime() - offset;
  const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  let t = midnight + (hours * 60 + minutes) * 60_000 + offset;
  // Across a daylight-saving change the offset at the target time differs: correct for it.
  const shift = new Date(t).getTimezoneOffset() * 60_000 - offset;
  if (shift !== 0) t += shift;
  return new Date(t);
}

/** Local noon `days` after `day`'s date: noon stays on its date whatever the clock change. */
function dayProbe(day: Date, days: number): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() + days, 12);
}

/**
 * Every instant on `day`'s local date whose wall clock reads `hours:minutes`: two in the hour
 * a clock goes back (01:30 EDT and 01:30 EST), in order. In the hour a clock skips, the
 * instant `atLocalTime` gives (the wall time read with the offset before the change).
 */
export function localTimesOn(day: Date, hours: number, minutes: number): Date[] {
  const first = atLocalTime(day, hours, minutes);
  if (!first) return [];
  const t = first.getTime();
  // No clock change within three hours either side: the common case, one instant.
  const before = new Date(t - 3 * 3_600_000).getTimezoneOffset();
  const after = new Date(t + 3 * 3_600_000).getTimezoneOffset();
  if (before === after) return [first];
  const out: number[] = [];
  for (const off of [before, after]) {
    const probe = dayProbe(day, 0);
    const c = Date.UTC(probe.getFullYear(), probe.getMonth(), probe.getDate(), hours, minutes) + off * 60_000;
    const d = new Date(c);
    if (d.getTimezoneOffset() === off && d.getHours() === hours && d.getMinutes() === minutes && sameLocalDay(d, probe) && !out.includes(c)) out.push(c);
  }
  if (out.length === 0) return [first];
  return out.sort((a, b) => a - b).map((x) => new Date(x));
}

/** The latest instant at or before `ref` whose wall clock reads `hours:minutes` (ref's date or the day before). */
function clockAtOrBefore(hours: number, minutes: number, ref: Date): Date | undefined {
  // Ref's own date first: that is the answer for nearly every line, at one offset lookup.
  for (const day of [ref, undefined]) {
    const on = localTimesOn(day ?? dayProbe(ref, -1), hours, minutes);
    for (let i = on.length - 1; i >= 0; i--) {
      const d = on[i];
      if (d !== undefined && d.getTime() <= ref.getTime()) return d;
    }
  }
  return undefined;
}

/** The earliest instant at or after `ref` whose wall clock reads `hours:minutes` (ref's date or the next). */
function clockAtOrAfter(hours: number, minutes: number, ref: Date): Date | undefined {
  for (const day of [ref, undefined]) {
    for (const d of localTimesOn(day ?? dayProbe(ref, 1), hours, minutes)) if (d.getTime() >= ref.getTime()) return d;
  }
  return undefined;
}

/** `19:15` on the local day of `day` (the first, in the hour a clock goes back). */
export function clockOnDay(text: string, day: Date): Date | undefined {
  const c = parseClock(text);
  return c ? localTimesOn(day, c[0], c[1])[0] : undefined;
}

const DAY_AND_CLOCK_RE = /^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})$/;

/** `2026-04-27 19:15`, as the board writes a time on another day, in local time. */
export function parseDayAndClock(text: string): Date | undefined {
  const m = DAY_AND_CLOCK_RE.exec(text.trim());
  return m ? parseIso(`${m[1]}T${must(m[2], 'the clock of a day and clock').padStart(5, '0')}`) : undefined;
}

/** `19:15` as the latest such instant at or before `ref`; `2026-04-27 19:15` as written. */
export function readClockAtOrBefore(text: string, ref: Date): Date | undefined {
  const c = parseClock(text);
  return c ? clockAtOrBefore(c[0], c[1], ref) : parseDayAndClock(text);
}

/** `19:15` as the earliest such instant at or after `ref`; `2026-04-27 19:15` as written. */
export function readClockAtOrAfter(text: string, ref: Date): Date | undefined {
  const c = parseClock(text);
  return c ? clockAtOrAfter(c[0], c[1], ref) : parseDayAndClock(text);
}

/** `ref` plus a duration as typed (`30m`); undefined when the text is no duration. */
export function timeAfterDuration(text: string, ref: Date): Date | undefined {
  try {
    const d = new Date(ref.getTime() + parseDuration(text));
    return Number.isNaN(d.getTime()) ? undefined : d;
  } catch {
    return undefined;
  }
}

const minuteOf = (d: Date): number => Math.floor(d.getTime() / 60_000);

/**
 * A time in the shortest form that reads back (through `readBack`) as the same minute: the
 * seed's `19:15` on the same day as `day`, else the day too, else (in the hour a clock goes
 * back, when `01:30` happens twice) ISO 8601 with its offset.
 */
export function shortestTime(d: Date, day: Date, readBack: (text: string) => Date | undefined): string {
  const forms = [formatDayAndClock(d), formatIsoLocal(d)];
  if (sameLocalDay(d, day)) forms.unshift(formatClock(d));
  for (const f of forms) {
    const back = readBack(f);
    if (back && minuteOf(back) === minuteOf(d)) return f;
  }
  return formatIsoLocal(d);
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Strict-ish ISO 8601 (date, or date and time, optional offset); undefined when not ISO. */
export function parseIso(text: string): Date | undefined {
  const s = text.trim();
  // What the tool writes (2026-04-27T19:42:00-04:00): Date parses it directly.
  if (s.length === 25 && s[10] === 'T' && s[19] !== '.' && ISO_RE.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (!ISO_RE.test(s)) return undefined;
  // A date-time without an offset is local time, as a person writing it means.
  const normal = s.replace(' ', 'T');
  const d = /T/.test(normal) ? new Date(normal) : new Date(`${normal}T00:00:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `19:45` in local time. */
export function formatClock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `2026-04-27` in local time. */
export function formatDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** ISO 8601 with the local offset, to the second: `2026-04-27T19:42:00-04:00`. */
export function formatIsoLocal(d: Date): string {
  // The last guard before the board: an invalid date is never written as `NaN-aN-aN`.
  if (Number.isNaN(d.getTime())) throw new RangeError('refusing to write an invalid date');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${formatDay(d)}T${formatClock(d)}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `2026-04-27 19:45` in local time: a release line's time, a recap's start. */
export function formatDayAndClock(d: Date): string {
  return `${formatDay(d)} ${formatClock(d)}`;
}

/** A time as people read it next to `now`: `19:45` today, `2026-04-28 19:45` on any other day. */
export function formatWhen(d: Date, now: Date): string {
  return sameLocalDay(d, now) ? formatClock(d) : formatDayAndClock(d);
}

/** True when both instants fall on the same local calendar day. */
export function sameLocalDay(a: Date, b: Date): boolean {
  return formatDay(a) === formatDay(b);
}
