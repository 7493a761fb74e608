/**
 * What every command gets: resolved global options, output streams and the service over the
 * board. Settings are resolved here once; commands never look at the environment themselves.
 */
import * as path from 'node:path';
import { validateSession, type ServiceOptions } from '../core/claim-service';
import { chooseStore, type ClaimStore, type StoreChoice } from '../core/claim-store';
import { openStore } from './store';
import { validateSessionName } from '../core/fields';
import { defaultBoardPath } from '../core/board-store';
import { ttlFromEnv } from '../core/duration';
import { parseRepoNaming, useRepoNaming } from '../core/path-key';
import { InputError } from '../core/errors';
import { insideClaudeCode, personName } from '../core/identity';
import type { BoardEvent } from '../core/model';

export const EXIT = { ok: 0, unexpected: 1, usage: 2, conflict: 3 } as const;

/** An error that ends the command with this exit code and a one-line message. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export interface CliContext {
  boardPath: string;
  /**
   * The board was named (by `--board` or `CLAIMBOARD_BOARD`) rather than defaulted: installers
   * write it into what they install, since a hook or a GUI git client may not see the variable.
   */
  boardGiven: boolean;
  /** From --session or CLAIMBOARD_SESSION. */
  session?: string;
  json: boolean;
  /** Colour for a person at a terminal (never with NO_COLOR or when piped). */
  color: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard error is a terminal: a line may be redrawn in place (`claim --wait`). */
  stderrIsTTY: boolean;
  /** Text to standard error as it is, without a newline (a line redrawn in place). */
  errRaw(text: string): void;
  /** A command's `--json` result: every command prints it the same way, two-space indented. */
  outJson(value: unknown): void;
  /**
   * The store, created on first use so commands that never touch the board stay cheap; with
   * options, a new store that has them.
   */
  service(opts?: Partial<ServiceOptions>): ClaimStore;
  /** Where claims live: the board file, or the shared store named by CLAIMBOARD_STORE / store.url. */
  storeChoice(): StoreChoice;
  /** A store with exactly these options (the hooks', the MCP server's), closed with the command. */
  openStore(opts: ServiceOptions): ClaimStore;
  /**
   * Who acts when a command needs a name: `--session`/CLAIMBOARD_SESSION, else inside Claude Code
   * the session its hooks registered, else (a person's terminal) the OS user name, as in VS Code.
   * Undefined only inside Claude Code when the board has no session for it.
   */
  identity(): Promise<string | undefined>;
  /** The identity, or a usage error saying how to give one. */
  requireSession(): Promise<string>;
  /** Lets go of every store this command opened (a database connection keeps the process alive). */
  close(): Promise<void>;
}

export function createContext(opts: {
  board?: string;
  session?: string;
  json: boolean;
  /** Asked when a command colours its output (computing it builds process.stdout's stream). */
  color?: boolean | (() => boolean);
  stderrIsTTY?: boolean | (() => boolean);
  errRaw?: (t: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (t: string) => void;
  err: (t: string) => void;
  serviceOptions?: Partial<ServiceOptions>;
}): CliContext {
  let choice: StoreChoice | undefined;
  const storeChoice = (): StoreChoice => (choice ??= chooseStore(opts.env));
  // How repositories are named in keys: one choice per process, before any key is made. Over a
  // shared store the same repository has one name on every machine (its origin remote's), unless
  // CLAIMBOARD_REPO_NAMES says otherwise; a bad store setting is reported where the store is used.
  const shared = (): boolean => {
    try {
      return storeChoice().kind !== 'file';
    } catch {
      return false;
    }
  };
  useRepoNaming(opts.env.CLAIMBOARD_REPO_NAMES?.trim() ? parseRepoNaming(opts.env.CLAIMBOARD_REPO_NAMES) : shared() ? 'remote' : 'folder');
  const boardPath = opts.board !== undefined ? path.resolve(opts.cwd, opts.board) : defaultBoardPath(opts.env);
  const boardGiven = opts.board !== undefined || Boolean(opts.env.CLAIMBOARD_BOARD);
  const given = opts.session ?? (opts.env.CLAIMBOARD_SESSION || undefined);
  // The core's one rule, checked when a command uses the name (check and the git guard too):
  // the hook command reads CLAIMBOARD_SESSION itself and answers Claude Code in its own form.
  const named = (): string | undefined => {
    if (given !== undefined) validateSession(given);
    return given;
  };
  let service: ClaimStore | undefined;
  const opened: ClaimStore[] = [];
  const open = (o: ServiceOptions): ClaimStore => {
    const s = openStore(storeChoice(), o, opts.env);
    opened.push(s);
    return s;
  };
  return {
    get session() {
      return named();
    },
    boardPath,
    boardGiven,
    json: opts.json,
    get color() {
      return typeof opts.color === 'function' ? opts.color() : (opts.color ?? false);
    },
    cwd: opts.cwd,
    env: opts.env,
    out: opts.out,
    err: opts.err,
    get stderrIsTTY() {
      return typeof opts.stderrIsTTY === 'function' ? opts.stderrIsTTY() : (opts.stderrIsTTY ?? false);
    },
    errRaw: opts.errRaw ?? (() => undefined),
    outJson: (value) => opts.out(JSON.stringify(value, null, 2)),
    storeChoice,
    openStore: open,
    service(extra) {
      // Every write's events go to the announcements outbox (a no-op without Mattermost settings).
      // Loaded on the first write that has something to say: read-only commands never pay for it.
      // CLAIMBOARD_TTL is the default lease length here as in the hooks and VS Code: one setting.
      const ttlMs = opts.serviceOptions?.ttlMs ?? ttlFromEnv(opts.env);
      const onEvents = async (events: BoardEvent[]) =>
        (await import('./announcements'))
          .cliAnnouncer({ boardPath, env: opts.env, err: opts.err, ttlMs })
          .announcer.announce(events)
          .then(() => undefined);
      // A command's own options (its event handler) get a service of their own: the shared one
      // may already exist (requireSession reads the board), and must not swallow them.
      if (extra) return open({ boardPath, onEvents, ...opts.serviceOptions, ttlMs, ...extra });
      service ??= open({ boardPath, onEvents, ...opts.serviceOptions, ttlMs });
      return service;
    },
    async identity() {
      const session = named();
      if (session) return session;
      if (!insideClaudeCode(opts.env)) {
        const person = personName(opts.env);
        if (validateSessionName(person)) throw new InputError(`your user name "${person}" cannot name a session on the board: pass --session NAME or set CLAIMBOARD_SESSION`);
        return person;
      }
      // Inside a Claude Code session (its Bash tool, a hook, git run by it) the board knows the
      // session's name; a command Claude runs never borrows the person's.
      const claudeId = opts.env.CLAUDE_CODE_SESSION_ID;
      if (!claudeId) return undefined;
      const found = (await this.service().near([])).sessions.filter((s) => s.externalId === claudeId && !s.ended);
      return found[found.length - 1]?.name;
    },
    async requireSession() {
      const session = await this.identity();
      if (session) return session;
      throw new InputError(
        'no session name: this runs inside Claude Code, and the board has no session for it (the claimboard hooks register one at ' +
          'session start: claimboard install-hooks); pass --session NAME or set CLAIMBOARD_SESSION',
      );
    },
    async close() {
      await Promise.allSettled(opened.splice(0).map((s) => s.close()));
    },
  };
}
