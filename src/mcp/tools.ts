/**
 * The MCP tools: claimboard's claim / release / check / status / ask / recap / note_add as
 * typed calls. Each has an input schema (bad arguments are refused before anything is read or
 * written), an output schema (the structured result) and a short text. Every decision is the
 * core's: a conflict is `ClaimService`'s, its words are `heldReason`'s, the same the hooks use.
 */
import * as z from 'zod';
import type { Conflict } from '../core/claim-service';
import type { ClaimStore } from '../core/claim-store';
import type { Claim } from '../core/model';
import { claimJson, conflictJson, type ClaimJson, type ConflictJson } from '../core/claim-json';
import { formatClock, formatIsoLocal, parseDuration, parseEta } from '../core/duration';
import { InputError } from '../core/errors';
import { heldReason } from '../core/held-reason';
import * as nodePath from 'node:path';
import { isFileSystemArgument, resolvePathKey, resolvePathKeyWithWarning } from '../core/path-key';
import { claimWaiting } from '../core/claim-wait';
import type { Announcer, LoadedAnnounceConfig, Recap } from '../announce';
import { RECAP_WINDOW } from '../announce/recap';
import { waitForDecision, waitText } from '../announce/ask-wait';
import type { SessionIdentity } from './session';

/** A failure the model should read and act on (held path, no session, unreadable board): a tool error, not a protocol error. */
export class ToolFailure extends Error {
  constructor(
    message: string,
    readonly structured?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export interface ToolContext {
  service: ClaimStore;
  /** Relative paths in arguments are resolved from here (the Claude Code project). */
  cwd: string;
  now(): Date;
  /** The session this server acts as, or undefined when none can be found. */
  session(): Promise<SessionIdentity | undefined>;
  /** How often `ask` with `wait` reads the channel (`CLAIMBOARD_POLL_INTERVAL`). */
  pollIntervalMs(): number;
  /** Loaded on first use: only `ask` and `recap` need Mattermost. */
  announcer(): { announcer: Announcer; loaded: LoadedAnnounceConfig };
}

export interface ToolOutcome {
  text: string;
  structured: Record<string, unknown>;
  isError?: boolean;
}

export interface ToolDef<I extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: z.ZodObject;
  readOnly: boolean;
  run(args: z.infer<I>, ctx: ToolContext): Promise<ToolOutcome>;
}

// ------------------------------------------------------------------ shapes

// The core's JSON of a claim, the same the CLI's `--json` prints; typed against it so the two cannot drift.
const claimOut: z.ZodType<ClaimJson> = z.object({
  id: z.string().nullable(),
  session: z.string(),
  path: z.string(),
  started: z.string(),
  eta: z.string().nullable(),
  expires: z.string(),
  ttl: z.string(),
  mode: z.enum(['exclusive', 'shared']),
  reason: z.string().nullable(),
  pid: z.number().nullable(),
  host: z.string().nullable(),
  forcedFrom: z.string().nullable(),
  line: z.number(),
});

const conflictOut: z.ZodType<ConflictJson> = z.object({ path: z.string(), relation: z.enum(['same', 'covers', 'inside', 'overlaps']), holder: claimOut });

const paths = z.array(z.string().min(1, 'a path is not empty')).min(1, 'give at least one path');
const duration = (what: string) => z.string().describe(`${what}: a duration (\`90s\`, \`30m\`, \`2h\`)`);

function short(c: Claim): string {
  return `${c.path} (eta ${c.eta ? formatClock(c.eta) : '?'}, lease until ${formatClock(c.expires)})`;
}

interface Wanted {
  key: string;
  shown: string;
  abs?: string;
  warning?: string;
}

function keysOf(args: readonly string[], cwd: string): Wanted[] {
  // A file argument keeps its absolute path: the suggested `claimboard claim` names it as the hook does.
  // The warning is the CLI's (a key with no repository prefix): Claude should see it as a person would.
  return args.map((a) => {
    const { key, warning } = resolvePathKeyWithWarning(a, cwd);
    return { key, shown: a, abs: isFileSystemArgument(a, cwd) ? nodePath.resolve(cwd, a) : undefined, warning };
  });
}

function warningsOf(wanted: readonly Wanted[]): string[] {
  return wanted.flatMap((w) => (w.warning ? [w.warning] : []));
}

function withWarnings(text: string, warnings: readonly string[]): string {
  return [...warnings.map((w) => `warning: ${w}`), text].join('\n');
}

/** The core's words for held paths; `shown` is the path as Claude wrote it. */
function heldText(conflicts: Conflict[], wanted: readonly Wanted[], session: string | undefined, now: Date): string {
  return heldReason(
    conflicts.map((c) => {
      const w = wanted.find((x) => x.key === c.path);
      return { key: c.path, abs: w?.abs, shown: w?.shown ?? c.path, holder: c.holder };
    }),
    session,
    now,
  );
}

async function requireSession(ctx: ToolContext): Promise<SessionIdentity> {
  const s = await ctx.session();
  if (s) return s;
  throw new ToolFailure(
    `this server does not know which session it serves: no session on the board ${ctx.service.boardPath} belongs to this Claude Code session ` +
      "(claimboard's SessionStart hook names it; is the claimboard plugin or `claimboard install-hooks` in place?), and CLAIMBOARD_SESSION is not set.",
  );
}

// ------------------------------------------------------------------ tools

const claimInput = z.strictObject({
  paths: paths.describe('Paths or globs to claim (`src/api/**`, `README.md`, `infra:homelab-prod`); relative ones are resolved from the project.'),
  eta: z.string().optional().describe('When you expect to be done: `30m`, `2h` or a clock time `19:45` (default 30 minutes).'),
  ttl: duration('Lease: the claim ends unless renewed (your tool calls renew it) within').optional(),
  reason: z.string().optional().describe('A few words on why, shown on the board.'),
  shared: z.boolean().optional().describe('A shared claim: other shared claims may overlap it (readers, not writers).'),
  wait: duration('When held by someone else, wait up to this long for them to release it, then take it').optional(),
});

const claim: ToolDef<typeof claimInput> = {
  name: 'claim',
  title: 'Claim paths',
  description:
    'Claim paths for this session before touching a non-trivial resource. Fails (a tool error naming the holder, the ETA and what to do) when ' +
    'another session holds any of them; nothing is claimed then. With `wait`, waits for the holder to release first.',
  input: claimInput,
  output: z.object({ session: z.string(), granted: z.array(claimOut), renewed: z.array(claimOut), conflicts: z.array(conflictOut), warnings: z.array(z.string()) }),
  readOnly: false,
  async run(a, ctx) {
    const now = ctx.now();
    const eta = a.eta !== undefined ? parseEta(a.eta, now) : undefined;
    if (eta && eta.getTime() <= now.getTime()) throw new InputError(`eta ${a.eta} is in the past`);
    const ttlMs = a.ttl !== undefined ? parseDuration(a.ttl) : undefined;
    const waitMs = a.wait !== undefined ? parseDuration(a.wait) : 0;
    const wanted = keysOf(a.paths, ctx.cwd);
    const me = await requireSession(ctx);
    const r = await claimWaiting(
      ctx.service,
      me.name,
      {
        paths: wanted.map((w) => w.key),
        eta,
        ttlMs,
        reason: a.reason,
        mode: a.shared ? 'shared' : 'exclusive',
        pid: me.pid,
      },
      waitMs,
    );
    const warnings = warningsOf(wanted);
    const structured = { session: me.name, granted: r.granted.map(claimJson), renewed: r.renewed.map(claimJson), conflicts: r.conflicts.map(conflictJson), warnings };
    const shown = ctx.now();
    if (r.conflicts.length > 0) {
      return { isError: true, structured, text: withWarnings(`${heldText(r.conflicts, wanted, me.name, shown)}${a.wait ? `\nStill held after waiting ${a.wait}.` : ''}`, warnings) };
    }
    const lines = [...r.granted.map((c) => `claimed ${short(c)}`), ...r.renewed.map((c) => `renewed ${short(c)}`)];
    return { structured, text: withWarnings(`${lines.join('\n')}\nas ${me.name}; release with the release tool when done.`, warnings) };
  },
};

const releaseInput = z.strictObject({
  paths: paths.optional().describe('Claimed paths to release (a pattern releases the claims it covers).'),
  all: z.boolean().optional().describe('Release everything this session holds.'),
});

const release: ToolDef<typeof releaseInput> = {
  name: 'release',
  title: 'Release claims',
  description: 'Release paths this session holds (or `all: true`) as soon as you are done with them, so others can go on.',
  input: releaseInput,
  output: z.object({ session: z.string(), released: z.array(claimOut), notHeld: z.array(z.string()) }),
  readOnly: false,
  async run(a, ctx) {
    if ((a.paths === undefined) === (a.all !== true)) throw new InputError('give either paths or all: true');
    const keys = a.paths ? keysOf(a.paths, ctx.cwd).map((w) => w.key) : 'all';
    const me = await requireSession(ctx);
    const r = await ctx.service.release(me.name, keys);
    const lines = r.released.map((c) => `released ${c.path}`);
    for (const p of r.notHeld) lines.push(`not held by ${me.name}: ${p}`);
    if (lines.length === 0) lines.push(`${me.name} holds nothing`);
    return { structured: { session: me.name, released: r.released.map(claimJson), notHeld: r.notHeld }, text: lines.join('\n') };
  },
};

const checkInput = z.strictObject({
  paths: paths.describe('Paths or globs to check.'),
  shared: z.boolean().optional().describe('Check for a shared claim (other shared claims do not stand in the way).'),
});

const check: ToolDef<typeof checkInput> = {
  name: 'check',
  title: 'Check paths',
  description: 'Is each path free for this session? Read-only: names the holder and ETA of anything held by someone else.',
  input: checkInput,
  output: z.object({ session: z.string().nullable(), free: z.boolean(), conflicts: z.array(conflictOut), warnings: z.array(z.string()) }),
  readOnly: true,
  async run(a, ctx) {
    const wanted = keysOf(a.paths, ctx.cwd);
    const me = await ctx.session();
    const conflicts = await ctx.service.check(
      me?.name,
      wanted.map((w) => w.key),
      a.shared ? 'shared' : 'exclusive',
    );
    const warnings = warningsOf(wanted);
    const text = conflicts.length === 0 ? `free: ${wanted.map((w) => w.key).join(', ')}` : heldText(conflicts, wanted, me?.name, ctx.now());
    return { structured: { session: me?.name ?? null, free: conflicts.length === 0, conflicts: conflicts.map(conflictJson), warnings }, text: withWarnings(text, warnings) };
  },
};

const status: ToolDef = {
  name: 'status',
  title: 'Board status',
  description: 'The coordination board: who holds what (live claims), pinned notes, sessions, and which session you are.',
  input: z.strictObject({}),
  output: z.object({
    board: z.string(),
    exists: z.boolean(),
    you: z.string().nullable(),
    claims: z.array(claimOut),
    notes: z.array(z.object({ n: z.number(), text: z.string() })),
    sessions: z.array(z.object({ name: z.string(), repo: z.string().nullable(), task: z.string().nullable(), started: z.string() })),
    problems: z.array(z.object({ line: z.number(), message: z.string() })),
  }),
  readOnly: true,
  async run(_a, ctx) {
    const v = await ctx.service.status();
    const me = await ctx.session();
    const lines = [`Board: ${v.boardPath}${me ? ` (you are ${me.name})` : ''}`, `Active claims (${v.claims.length})`];
    for (const c of v.claims) lines.push(`- ${c.session}: ${short(c)}${c.reason ? ` — ${c.reason}` : ''}`);
    if (v.notes.length) lines.push('Pinned notes:', ...v.notes.map((n, i) => `${i + 1}. ${n.text}`));
    if (v.problems.length) lines.push(`Problems: ${v.problems.length} (see \`claimboard status\`)`);
    return {
      text: lines.join('\n'),
      structured: {
        board: v.boardPath,
        exists: v.exists,
        you: me?.name ?? null,
        claims: v.claims.map(claimJson),
        notes: v.notes.map((n, i) => ({ n: i + 1, text: n.text })),
        sessions: v.sessions.filter((s) => !s.ended).map((s) => ({ name: s.name, repo: s.repo ?? null, task: s.task ?? null, started: formatIsoLocal(s.started) })),
        problems: v.problems.map((p) => ({ line: p.line, message: p.message })),
      },
    };
  },
};

const askInput = z.strictObject({
  question: z.string().trim().min(1, 'the question is not empty').max(2000).describe('What to ask the person (one or two sentences).'),
  about: z.string().min(1).optional().describe('A path someone else holds that the question is about: the question names the holder and asks whether to interrupt.'),
  wait: duration("Wait up to this long for the person's answer and return it (needs a Mattermost token)").optional(),
});

const askWaitOut = {
  question: z.object({ id: z.string(), session: z.string(), holder: z.string().nullable(), path: z.string().nullable(), text: z.string(), at: z.string().nullable() }).nullable().optional(),
  answer: z
    .object({ by: z.string(), text: z.string(), decision: z.enum(['yes', 'no', 'other']), at: z.string() })
    .nullable()
    .optional(),
  holds: z.boolean().optional(),
};

const ask: ToolDef<typeof askInput> = {
  name: 'ask',
  title: 'Ask the human',
  description:
    'Post a question to the team channel, mentioning the person. With `wait` (e.g. `10m`), wait that long for the answer and return it as `claimboard ask --wait --json` does (`answer`: who, what, yes/no/other; `holds`: you now hold the `about` path). ' +
    "Without `wait` it returns at once: the person's reply reaches you in your hooks' context once it comes (a yes to an `about` question hands you the path); carry on with other work meanwhile. " +
    'A tool error when Mattermost is not configured.',
  input: askInput,
  output: z.object({ session: z.string(), holder: z.string().nullable(), path: z.string().nullable(), queued: z.boolean(), delivered: z.boolean(), ...askWaitOut }),
  readOnly: false,
  async run(a, ctx) {
    const waitMs = a.wait !== undefined ? parseDuration(a.wait, 'wait') : undefined;
    const key = a.about !== undefined ? resolvePathKey(a.about, ctx.cwd) : undefined;
    const me = await requireSession(ctx);
    const { announcer, loaded } = ctx.announcer();
    if (!loaded.configured) throw new ToolFailure('Mattermost is not configured, so there is nobody to ask (see README, "Mattermost")');
    if (waitMs !== undefined && loaded.config?.destination.kind !== 'rest') {
      throw new ToolFailure('wait needs a Mattermost token (CLAIMBOARD_MATTERMOST_URL, _TOKEN, _CHANNEL): with a webhook only, no answer can come back');
    }
    // As `claimboard ask --about`: a question about a path names its holder; a free path needs no asking.
    const conflict = key ? (await ctx.service.check(me.name, [key]))[0] : undefined;
    if (key && !conflict) throw new InputError(`nobody else holds ${key}: it is free to claim`);
    const holder = conflict?.holder.session;
    const path = conflict?.holder.path;
    const started = Date.now();
    const r = await announcer.ask({ session: me.name, holder, path, message: a.question });
    if (r.error && r.queued === 0) throw new ToolFailure(`could not post the question: ${r.error}`);
    const asked = { session: me.name, holder: holder ?? null, path: path ?? null, queued: r.queued > 0 };
    if (waitMs !== undefined && r.id) {
      // The same wait as `ask --wait --json`: one reader of the answer, one meaning of it.
      const w = await waitForDecision({
        announcer,
        boardPath: ctx.service.boardPath,
        outboxId: r.id,
        deadline: started + waitMs,
        intervalMs: ctx.pollIntervalMs(),
        service: () => ctx.service,
        session: me.name,
        about: path,
        status: () => ctx.service.status(),
      });
      return { structured: { ...asked, delivered: w.json.question !== null, ...w.json }, text: waitText(w.result, w.json.holds, path, waitMs) };
    }
    const where = r.delivered > 0 ? 'posted' : 'queued for delivery';
    return {
      structured: { ...asked, delivered: r.delivered > 0 },
      text: `question ${where}${holder ? ` (about ${path}, held by ${holder})` : ''}; the answer comes in the channel, not here.`,
    };
  },
};

const recapItem = z.object({ at: z.string(), kind: z.string(), path: z.string().optional(), text: z.string() });

const recapInput = z.strictObject({ since: duration(`How far back to look (default ${RECAP_WINDOW})`).optional() });

const recap: ToolDef<typeof recapInput> = {
  name: 'recap',
  title: 'Recap of the channel',
  description: "What each session started, claimed, released and asked, what expired, and the person's answers, from the team channel (or the local journal).",
  input: recapInput,
  output: z.object({
    since: z.string(),
    source: z.enum(['channel', 'journal']),
    sessions: z.array(z.object({ session: z.string(), items: z.array(recapItem) })),
    openQuestions: z.array(z.object({ at: z.string(), session: z.string(), holder: z.string().optional(), path: z.string().optional(), text: z.string() })),
    answers: z.array(
      z.object({
        at: z.string(),
        by: z.string(),
        text: z.string(),
        decision: z.enum(['yes', 'no', 'other']),
        session: z.string(),
        holder: z.string().optional(),
        path: z.string().optional(),
        decided: z.boolean(),
        holds: z.boolean().optional(),
      }),
    ),
    otherPosts: z.number(),
  }),
  readOnly: true,
  async run(a, ctx) {
    const sinceMs = parseDuration(a.since ?? RECAP_WINDOW);
    const { announcer } = ctx.announcer();
    const { formatRecap } = await import('../announce');
    let r: Recap;
    try {
      r = await announcer.recap({ since: new Date(ctx.now().getTime() - sinceMs) });
    } catch (e) {
      throw new ToolFailure(`could not read the channel: ${(e as Error).message}`);
    }
    return { structured: r as unknown as Record<string, unknown>, text: formatRecap(r) };
  },
};

const noteInput = z.strictObject({ text: z.string().describe('One line everyone should see, kept until removed.') });

const noteAdd: ToolDef<typeof noteInput> = {
  name: 'note_add',
  title: 'Add a pinned note',
  description: 'Pin a one-line note on the board for every session and the person (a warning, a freeze, a decision).',
  input: noteInput,
  output: z.object({ added: z.string(), notes: z.array(z.object({ n: z.number(), text: z.string() })) }),
  readOnly: false,
  async run(a, ctx) {
    await ctx.service.addNote(a.text);
    const notes = (await ctx.service.status()).notes.map((n, i) => ({ n: i + 1, text: n.text }));
    return { structured: { added: a.text.trim(), notes }, text: `pinned: ${a.text.trim()}` };
  },
};

export const TOOLS: ToolDef[] = [claim, release, check, status, ask, recap, noteAdd] as unknown as ToolDef[];
