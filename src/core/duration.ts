/**
 * Durations (`90s`, `30m`, `30min`, `2h`) and times (`19:45`, ISO 8601) as people type them.
 */

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/** Parses `90s`, `30m`, `30min`, `1h30m`, `2h`. Throws InputError on anything else. */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase();
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) break;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  if (s.length === 0 || matched !== s.length || total <= 0 || !Number.isFinite(total)) {
    throw new InputError(`bad duration "${text}": use forms like 90s, 30m, 30min, 2h`);
  }
  return Math.round(total);
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

const HHMM = /^(\d{1,2}):(\d{2})$/;

/** `19:45` → the next occurrence at or after `now` (local time); ISO 8601 → that instant. */
export function parseTime(text: string, now: Date): Date {
  const s = text.trim();
  const hm = HHMM.exec(s);
  if (hm) {
    const d = atLocalTime(now, Number(hm[1]), Number(hm[2]));
    if (!d) throw new InputError(`bad time "${text}": use HH:MM (24h) or ISO 8601`);
    if (d.getTime() < now.getTime()) d.setDate(d.getDate() + 1);
    return d;
  }
  const iso = parseIso(s);
  if (!iso) throw new InputError(`bad time "${text}": use HH:MM (24h) or ISO 8601`);
  return iso;
}

/** An ETA as typed: a duration from now (`30m`) or a time (`19:45`, ISO). */
export function parseEta(text: string, now: Date): Date {
  const s = text.trim();
  if (/^\d+(?:\.\d+)?\s*[a-z]/i.test(s) && !/^\d{4}-/.test(s)) {
    return new Date(now.getTime() + parseDuration(s));
  }
  return parseTime(s, now);
}

const DAY_MS = 86_400_000;

/**
 * That wall-clock time on the local day of `day`. Arithmetic on the zone offset rather than
 * `setHours`: a board of 1,000 claims resolves thousands of these on a hook's cold start.
 */
export function atLocalTime(day: Date, hours: number, minutes: number): Date | undefined {
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
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${formatDay(d)}T${formatClock(d)}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** True when both instants fall on the same local calendar day. */
export function sameLocalDay(a: Date, b: Date): boolean {
  return formatDay(a) === formatDay(b);
}
