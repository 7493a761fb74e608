/**
 * `claimboard hook <event>`: what each Claude Code hook event does to the board. Returns what
 * the process should print and its exit code instead of printing, so tests can drive it in
 * process and the CLI stays a thin shell.
 *
 * The guard's rule: it always decides. Input it cannot read is allowed with a message on
 * stderr (a broken hook must not stop all work); a board it cannot read denies, with the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SyncHookJSONOutput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import type { BoardEvent, Claim, SessionRecord } from '../core/model';
import { InputError, leaseLength, validateSession, type BoardView, type ServiceOptions } from '../core/claim-service';
import { FileClaimStore, readLastSharedView, STORE_OFFLINE_ENV, StoreUnavailableError, type ClaimStore } from '../core/claim-store';
import { findRepo } from '../core/path-key';
import { livenessHost } from '../core/liveness';
import { claimCovers } from '../core/overlap';
import { formatWhen } from '../core/duration';
import { chooseSessionName } from './session-name';
import { isHookEventArg, parseHookInput, type ClaimboardHookInput } from './hook-input';
import { HOOK_EVENTS, type HookEventArg } from './hook-settings';
import { endSpell, isWaitingNotification, needsYouAfterFromEnv, NEEDS_YOU_AFTER_DEFAULT_MS, openSpell, recapIdleFromEnv, RECAP_IDLE_DEFAULT_MS, sessionWorks, waitingFor } from './session-activity';
import { recapOnReturn } from './recap-on-return';
import { conflictsFor, denyReason, writeTargets } from './write-targets';
import { shellWord } from '../core/shell-word';
import { personContext } from './person-context';

/** Heartbeats write the board at most this often: every tool call would otherwise rewrite it. */
export const HEARTBEAT_MIN_INTERVAL_MS = 60_000;
/** The auto-claim is a convenience: when the board lock is busy this long, the edit goes on unclaimed. */
const AUTO_CLAIM_BUDGET_MS = 5_000;
/**
 * How long each hook waits for the board lock: well under its timeout in settings.json
 * (hook-settings.ts), so a stuck lock ends in a message, not in Claude Code killing the hook.
 */
export const HOOK_LOCK_BUDGET_MS: Record<HookEventArg, number> = {
  'session-start': 8_000,
  'pre-tool-use': 4_000,
  'post-tool-use': 5_000,
  'user-prompt-submit': 5_000,
  notification: 5_000,
  'session-end': 2_500,
};

export interface HookOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Work was given up on (a busy board lock): the process should exit now rather than finish it late. */
  abandoned?: boolean;
}

/** Where announcements go; the runner never waits on the network longer than `budgetMs`. */
export interface HookAnnouncer {
  announce(events: readonly BoardEvent[]): Promise<unknown>;
  /**
   * The recap since a time (undefined: the recap window every adapter shares) as text; rejects
   * when the channel cannot be read within `budgetMs`.
   */
  recap?(since: Date | undefined, budgetMs?: number): Promise<string | undefined>;
  /** Queues `[session] @person needs you — <what>`; absent when nothing is configured to post to. */
  needsYou?(session: string, what: string): Promise<unknown>;
}

export interface HookRunOptions {
  boardPath: string;
  env: Record<string, string | undefined>;
  /** Lease length for claims the hooks make and renew. */
  ttlMs?: number;
  /** Claim a free file on its first edit (default true). */
  autoClaim?: boolean;
  /** Created only when a write produced events worth announcing (async: its code loads only then). */
  announcer?: () => Promise<HookAnnouncer>;
  now?: () => Date;
  host?: string;
  isProcessAlive?: (pid: number) => boolean;
  /** The hook input was cut at MAX_HOOK_INPUT_BYTES (readHookStdin). */
  stdinTruncated?: boolean;
  /** How long a board write waits for the lock (default: the event's HOOK_LOCK_BUDGET_MS). */
  lockWaitMs?: number;
  /**
   * Starts the detached process that posts "needs you" when the waiting spell is due
   * (runSpellTimer); returns its pid. Without it, notifications open no spell.
   */
  startNeedsYouTimer?: (sessionId: string, spellId: string) => number | undefined | Promise<number | undefined>;
  /** Where claims live (the CLI's factory: the board file or the shared store); default the board file. */
  openStore?: (opts: ServiceOptions) => ClaimStore;
}

/** Exit 0: Claude Code goes on with the session or the tool call, and reads `stdout` as the hook's JSON. */
const exitZero = (stdout = '', stderr = ''): HookOutcome => ({ stdout, stderr, exitCode: 0 });

export async function runHook(event: string, stdin: string, opts: HookRunOptions): Promise<HookOutcome> {
  if (!isHookEventArg(event)) {
    return exitZero('', `claimboard hook: unknown event "${event}" (known: ${HOOK_EVENTS.join(', ')}); allowing\n`);
  }
  const parsed = parseHookInput(stdin, event, opts.stdinTruncated);
  const runner = new HookRunner({ ...opts, lockWaitMs: opts.lockWaitMs ?? HOOK_LOCK_BUDGET_MS[event] });
  if (!parsed.ok && parsed.deny) return runner.deny(`claimboard: ${parsed.error}.`);
  if (!parsed.ok) return exitZero('', `claimboard hook ${event}: ${parsed.error}; allowing\n`);
  try {
    return await runner.run(event, parsed.input);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    // A bad setting (CLAIMBOARD_SESSION) is named as such: the board itself is fine.
    if (e instanceof InputError) {
      const line = `claimboard: CLAIMBOARD_SESSION: ${msg}`;
      return event === 'pre-tool-use' ? runner.deny(`${line}. Set CLAIMBOARD_SESSION to a valid name or unset it.`) : { stdout: '', stderr: `${line}\n`, exitCode: 0 };
    }
    if (event === 'pre-tool-use')
      return runner.deny(
        `claimboard could not check the board ${opts.boardPath}: ${msg}. Fix or move the board file (see \`claimboard status\`), or remove the hooks with \`claimboard uninstall-hooks\`.`,
      );
    return exitZero('', `claimboard hook ${event}: ${msg}\n`);
  }
}

class HookRunner {
  private readonly service: ClaimStore;
  private readonly now: () => Date;
  private readonly pid: number | undefined;
  private readonly pendingEvents: BoardEvent[] = [];

  private get host(): string {
    return this.options.host ?? livenessHost();
  }

  constructor(private readonly options: HookRunOptions) {
    this.now = options.now ?? (() => new Date());
    const pid = Number(options.env.CLAUDE_PID);
    this.pid = Number.isInteger(pid) && pid > 0 ? pid : undefined;
    this.service = (options.openStore ?? ((x: ServiceOptions) => new FileClaimStore(x)))({
      boardPath: options.boardPath,
      ttlMs: options.ttlMs,
      now: options.now,
      // Computed when a claim needs it (it hashes this boot's id): most hook calls never do.
      host: options.host,
      isProcessAlive: options.isProcessAlive,
      lockWaitMs: options.lockWaitMs,
      onEvents: (events) => {
        this.pendingEvents.push(...events);
      },
    });
  }

  async run(event: HookEventArg, input: ClaimboardHookInput): Promise<HookOutcome> {
    let outcome: HookOutcome;
    // Work (a tool call, a prompt) ends the session's waiting spell (no "needs you" for it) and
    // stamps its last work. A start or resume is not work: a resumed idle session's first prompt
    // still gets the recap of what happened since it last worked.
    const works = input.hook_event_name === 'PreToolUse' || input.hook_event_name === 'PostToolUse' || input.hook_event_name === 'UserPromptSubmit';
    const worked = works ? await sessionWorks(this.options.boardPath, input.session_id, this.now()) : undefined;
    switch (input.hook_event_name) {
      case 'SessionStart':
        outcome = await this.sessionStart(input);
        break;
      case 'PreToolUse':
        outcome = await this.preToolUse(input);
        break;
      case 'PostToolUse':
        outcome = await this.heartbeat(input);
        break;
      case 'UserPromptSubmit':
        outcome = await this.heartbeat(input);
        outcome = await this.withRecapOnReturn(outcome, worked);
        break;
      case 'Notification':
        outcome = await this.notification(input);
        break;
      case 'SessionEnd':
        await endSpell(this.options.boardPath, input.session_id);
        outcome = await this.sessionEnd(input);
        break;
      default:
        outcome = exitZero('', `claimboard hook ${event}: nothing to do\n`);
    }
    await this.flushAnnouncements();
    return outcome;
  }

  deny(reason: string): HookOutcome {
    const out: SyncHookJSONOutput = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
    return exitZero(JSON.stringify(out) + '\n');
  }

  /** The announcer decides how long to wait (the CLI's only queues and leaves delivery to a detached flusher). */
  private async flushAnnouncements(): Promise<void> {
    // Auto-claims are recorded on the board but not posted one file at a time.
    const events = this.pendingEvents.filter((e) => e.kind !== 'claim' || !e.reason?.startsWith(AUTO_REASON));
    this.pendingEvents.length = 0;
    if (events.length === 0 || !this.options.announcer) return;
    try {
      await (await this.options.announcer()).announce(events);
    } catch {
      // The announcer never throws by contract; a hook must not fail for the channel anyway.
    }
  }

  /**
   * CLAIMBOARD_SESSION when set, checked by the core's one rule: a name the CLI would refuse is
   * refused here too, with the same reason, never replaced by another name.
   */
  private sessionOverride(): string | undefined {
    const override = this.options.env.CLAIMBOARD_SESSION;
    if (!override) return undefined;
    validateSession(override);
    return override;
  }

  /** The session's name: CLAIMBOARD_SESSION, else the board's record of this session_id. */
  private knownName(view: { sessions: SessionRecord[] }, sessionId: string): string | undefined {
    const override = this.sessionOverride();
    if (override) return override;
    const own = view.sessions.filter((s) => s.externalId === sessionId);
    own.sort((a, b) => b.started.getTime() - a.started.getTime());
    return own[0]?.name;
  }

  /** Chooses the session's name and registers it in one locked write (see registerSessionChosen). */
  private async register(input: ClaimboardHookInput, task?: string): Promise<{ name: string; reused: boolean }> {
    const override = this.sessionOverride();
    const repo = findRepo(input.cwd)?.name ?? path.basename(input.cwd);
    let choice: { name: string; reused: boolean } = { name: '', reused: false };
    const before = this.pendingEvents.length;
    await this.service.registerSessionChosen((view) => {
      const taken = new Set(view.claims.map((c) => c.session));
      choice = chooseSessionName(view.sessions, taken, input.session_id, override);
      const previous = view.sessions.find((s) => s.name === choice.name && s.externalId === input.session_id);
      return {
        name: choice.name,
        externalId: input.session_id,
        started: previous?.started ?? this.now(),
        pid: this.pid,
        host: this.pid !== undefined ? this.host : undefined,
        repo,
        // A compacted or resumed session keeps the task it started with unless it now has a title.
        task: task ?? previous?.task ?? 'unknown',
      };
    });
    // A resumed or compacted session was already announced; only a new one says "starting".
    if (choice.reused)
      this.pendingEvents
        .splice(before)
        .filter((e) => e.kind !== 'start')
        .forEach((e) => this.pendingEvents.push(e));
    return choice;
  }

  // ------------------------------------------------------------------ SessionStart

  private async sessionStart(input: Extract<ClaimboardHookInput, { hook_event_name: 'SessionStart' }>): Promise<HookOutcome> {
    const title = typeof input.session_title === 'string' && input.session_title.trim() ? oneLine(input.session_title) : undefined;
    const { name } = await this.register(input, title);
    const envFile = this.options.env.CLAUDE_ENV_FILE;
    let stderr = '';
    if (envFile) {
      try {
        // Appended, never replaced: other hooks write their exports to the same file.
        // No pid here: Claude Code gives its Bash tool CLAUDE_PID itself (checked with the real
        // CLI, 2.1.332), and `claimboard claim` records that.
        fs.appendFileSync(envFile, `export CLAIMBOARD_SESSION=${name}\nexport CLAIMBOARD_BOARD=${shellWord(this.options.boardPath)}\n`);
      } catch (e) {
        stderr = `claimboard hook session-start: could not write ${envFile}: ${(e as Error).message}\n`;
      }
    }
    const after = await this.service.status();
    const context = await this.sessionContext(name, after);
    const out: SyncHookJSONOutput = { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } };
    return exitZero(JSON.stringify(out) + '\n', stderr);
  }

  private async sessionContext(name: string, view: BoardView): Promise<string> {
    const now = this.now();
    const lines = [`You are ${name} on the claimboard coordination board (${view.boardPath}).`];
    const others = view.claims.filter((c) => c.session !== name);
    if (others.length) {
      lines.push('Held by others (do not edit these):');
      for (const c of others.slice(0, 40)) lines.push(`- ${c.session}: ${c.path} — eta ${c.eta ? formatWhen(c.eta, now) : '?'}${c.reason ? ` — ${c.reason}` : ''}`);
      if (others.length > 40) lines.push(`- …and ${others.length - 40} more (\`claimboard status\`)`);
    } else lines.push('Nobody else holds anything right now.');
    if (view.notes.length) {
      lines.push('Pinned notes:');
      for (const n of view.notes) lines.push(`- ${n.text}`);
    }
    const recap = await this.recap(undefined);
    if (recap) lines.push(recap);
    const said = await personContext(this.options.boardPath, name);
    if (said) lines.push(said);
    // Every command here runs exactly as printed (a test does): examples, not placeholders.
    const held = others[0]?.path;
    lines.push(
      "Protocol: claim before touching a non-trivial resource, e.g. `claimboard claim 'docs/**' --eta 30m` (a path, a quoted glob or infra:NAME; files you edit are claimed for you); " +
        "release when done, e.g. `claimboard release 'docs/**'`. When something you need is held: pick other work, " +
        (held
          ? `wait for it (\`claimboard claim ${shellWord(held)} --wait 20m\`), or ask the human (\`claimboard ask "I need it for my task" --about ${shellWord(held)}\`). `
          : 'wait for it (the refusal says how), or ask the human. ') +
        'To ask the human anything: `claimboard ask "your question"`. Everything you hold is released when this session ends.',
    );
    return lines.join('\n');
  }

  private async recap(since: Date | undefined): Promise<string | undefined> {
    const a = await this.options.announcer?.();
    if (!a?.recap) return undefined;
    try {
      return await Promise.race([a.recap(since), new Promise<undefined>((r) => setTimeout(() => r(undefined), 1_500).unref())]);
    } catch {
      return undefined;
    }
  }

  // ------------------------------------------------------------------ PreToolUse

  private async preToolUse(input: Extract<ClaimboardHookInput, { hook_event_name: 'PreToolUse' }>): Promise<HookOutcome> {
    const targets = await writeTargets(input.tool_name, input.tool_input, input.cwd, this.options.env);
    if (targets.length === 0) return exitZero();
    // Only the claims that could touch the targets are read in full: this runs on every edit.
    let nearTargets: Awaited<ReturnType<ClaimStore['near']>>;
    try {
      nearTargets = await this.service.near(targets.map((t) => t.key)); // throws when the board cannot be read: runHook denies
    } catch (e) {
      if (e instanceof StoreUnavailableError)
        return this.offline(
          targets.map((t) => t.key),
          input.session_id,
          e.message,
        );
      throw e;
    }
    let session = this.knownName(nearTargets, input.session_id);
    const view = { claims: nearTargets.claims };
    const hits = conflictsFor(targets, view.claims, session);
    const now = this.now();
    if (hits.length > 0) return this.deny(denyReason(hits, session, now));
    if (this.options.autoClaim === false) return exitZero();
    const mine = view.claims.filter((c) => c.session === session);
    const wanted = [...new Set(targets.filter((t) => t.autoClaim && !mine.some((c) => claimCovers(c.path, t.key))).map((t) => t.key))];
    if (wanted.length === 0) return exitZero();
    try {
      const result = await withTimeout(
        (async () => {
          // Hooks installed mid-session never saw SessionStart: give the session its name now.
          session ??= (await this.register(input)).name;
          return this.service.claim(session, { paths: wanted, files: targets.filter((t) => t.file).map((t) => t.key), pid: this.pid, host: this.host, reason: `${AUTO_REASON} ${input.tool_name}` });
        })(),
        AUTO_CLAIM_BUDGET_MS,
      );
      if (result && result.conflicts.length > 0 && session) {
        // Someone claimed it between our read and our write.
        return this.deny(
          denyReason(
            conflictsFor(
              targets,
              result.conflicts.map((c) => c.holder),
              session,
            ),
            session,
            now,
          ),
        );
      }
      return exitZero();
    } catch (e) {
      return { ...exitZero('', `claimboard hook pre-tool-use: could not record the claim (${(e as Error).message.split('\n')[0]}); the edit goes on unclaimed\n`), abandoned: true };
    }
  }

  /**
   * The shared store cannot be reached: an edit goes on only to paths this session held in the
   * last known view (and whose lease had not run out by then), or when the person said so with
   * CLAIMBOARD_STORE_OFFLINE=allow; anything else is denied with what to do.
   */
  private offline(keys: string[], sessionId: string, why: string): HookOutcome {
    if (/^allow$/i.test(this.options.env[STORE_OFFLINE_ENV] ?? '')) {
      return exitZero('', `claimboard: ${why}; ${STORE_OFFLINE_ENV}=allow: edit allowed unchecked\n`);
    }
    const last = readLastSharedView(this.options.boardPath);
    const now = this.now();
    const session = last ? this.knownName(last, sessionId) : this.sessionOverride();
    const held = (last?.claims ?? []).filter((c) => c.session === session && c.expires.getTime() > now.getTime());
    if (session && keys.every((k) => held.some((c) => claimCovers(c.path, k)))) {
      return exitZero('', `claimboard: ${why}; allowed: ${session} held ${keys.join(', ')} when the store was last seen (${formatWhen(last!.at, now)})\n`);
    }
    return this.deny(
      `claimboard: ${why}. While the shared store is unreachable, only paths this session held when it was last seen may be edited. ` +
        `Check it with \`claimboard store status\` and retry when it answers; to edit anyway, the person can set ${STORE_OFFLINE_ENV}=allow for this session.`,
    );
  }

  // ------------------------------------------------------------------ heartbeats

  private async heartbeat(input: ClaimboardHookInput): Promise<HookOutcome> {
    // Two hot reads (the sessions, then the session's own claims) instead of the whole board:
    // every tool call runs this, and reading every claim in full was most of it on a large board.
    const session = this.knownName(await this.service.near([]), input.session_id);
    if (!session) return exitZero();
    const mine = (await this.service.near([], session)).claims.filter((c) => c.session === session);
    // Each claim renews by its own lease length (`ttl` on its line), whoever made it.
    if (mine.length > 0 && heartbeatDue(mine, this.now())) await this.service.renew(session);
    return withContext(input.hook_event_name, await personContext(this.options.boardPath, session));
  }

  /** A prompt after a long idle spell: the recap of what happened meanwhile goes into Claude's context. */
  private async withRecapOnReturn(outcome: HookOutcome, lastWorked: Date | undefined): Promise<HookOutcome> {
    let idleMs: number | undefined;
    let stderr = outcome.stderr;
    try {
      idleMs = recapIdleFromEnv(this.options.env);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      stderr += `claimboard hook user-prompt-submit: ${e.message}; using ${RECAP_IDLE_DEFAULT_MS / 60_000} min\n`;
      idleMs = RECAP_IDLE_DEFAULT_MS;
    }
    const now = this.now();
    // The announcer (and its code) only loads for a prompt after an idle spell.
    const due = lastWorked !== undefined && idleMs !== undefined && now.getTime() - lastWorked.getTime() >= idleMs;
    const a = due ? await this.options.announcer?.() : undefined;
    const recap = a?.recap?.bind(a);
    const context = await recapOnReturn({ lastWorked, now, idleMs, recap: recap ? async (since, budgetMs) => (await recap(since, budgetMs)) ?? '' : undefined });
    if (!context) return { ...outcome, stderr };
    // The person's words from the channel (the heartbeat's context) were taken from the inbox
    // once: they go out beside the recap, never replaced by it.
    const said = contextOf(outcome.stdout);
    const out: SyncHookJSONOutput = { hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: said ? `${context}\n\n${said}` : context } };
    return { ...outcome, stdout: JSON.stringify(out) + '\n', stderr };
  }

  // ------------------------------------------------------------------ Notification

  /**
   * Claude Code says the session waits for the person. The hook returns at once: a detached
   * timer posts "needs you" if the wait outlasts CLAIMBOARD_NEEDS_YOU_AFTER, once per spell.
   */
  private async notification(input: Extract<ClaimboardHookInput, { hook_event_name: 'Notification' }>): Promise<HookOutcome> {
    if (!isWaitingNotification(input.notification_type)) return exitZero();
    let afterMs: number | undefined;
    let stderr = '';
    try {
      afterMs = needsYouAfterFromEnv(this.options.env);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      stderr = `claimboard hook notification: ${e.message}; using ${NEEDS_YOU_AFTER_DEFAULT_MS / 1000} s\n`;
      afterMs = NEEDS_YOU_AFTER_DEFAULT_MS;
    }
    const start = this.options.startNeedsYouTimer;
    if (afterMs === undefined || !start) return exitZero('', stderr);
    const session = this.knownName(await this.service.near([]), input.session_id);
    if (!session) return exitZero('', stderr);
    if (!(await this.options.announcer?.())?.needsYou) return exitZero('', stderr);
    await openSpell(this.options.boardPath, input.session_id, {
      session,
      what: waitingFor(input.notification_type, input.message),
      now: this.now(),
      afterMs,
      startTimer: (spellId) => start(input.session_id, spellId),
    });
    return exitZero('', stderr);
  }

  // ------------------------------------------------------------------ SessionEnd

  private async sessionEnd(input: Extract<ClaimboardHookInput, { hook_event_name: 'SessionEnd' }>): Promise<HookOutcome> {
    const session = this.knownName(await this.service.near([]), input.session_id);
    if (!session) return exitZero();
    // One write (the hook has about 1.5 s) and one announcement for the whole session.
    await this.service.endSession(session, input.session_id);
    return exitZero();
  }
}

const AUTO_REASON = 'auto:';

/** Context for Claude (PostToolUse, UserPromptSubmit), or nothing to say. */
/** The `additionalContext` a hook's output already carries, if any. */
function contextOf(stdout: string): string | undefined {
  if (!stdout.trim()) return undefined;
  const out = JSON.parse(stdout) as SyncHookJSONOutput;
  const h = out.hookSpecificOutput;
  return h && 'additionalContext' in h && typeof h.additionalContext === 'string' ? h.additionalContext : undefined;
}

function withContext(event: string, context: string | undefined): HookOutcome {
  if (!context || (event !== 'PostToolUse' && event !== 'UserPromptSubmit')) return exitZero();
  const out: SyncHookJSONOutput = { hookSpecificOutput: { hookEventName: event, additionalContext: context } };
  return exitZero(JSON.stringify(out) + '\n');
}

/**
 * Due when the freshest lease was last set (expires − its lease length) at least a minute ago,
 * or when a lease shorter than two minutes is past half its length: renewing such a lease on
 * every tool call would write the board on every tool call.
 */
export function heartbeatDue(mine: readonly Claim[], now: Date): boolean {
  if (mine.length === 0) return false;
  if (mine.some((c) => c.expires.getTime() - now.getTime() < Math.min(HEARTBEAT_MIN_INTERVAL_MS, leaseLength(c) / 2))) return true;
  const lastSet = Math.max(...mine.map((c) => c.expires.getTime() - leaseLength(c)));
  return now.getTime() - lastSet >= HEARTBEAT_MIN_INTERVAL_MS;
}

function oneLine(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\u2014/g, '-')
    .trim()
    .slice(0, 120);
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`board busy for ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
