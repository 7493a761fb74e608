/**
 * `claimboard`: what Claude sessions, their hooks, git and people run. Parses the global
 * options, finds the command in the table and maps errors to the documented exit codes:
 * 0 ok, 1 unexpected error, 2 bad usage or input (nothing written), 3 conflict.
 */
import { parseArgs } from 'node:util';
import { writeFd } from './write-fd';
import { parserOptions, type Command } from './command';
import { useColor } from './format';
import { GLOBAL_OPTIONS, commandHelp, suggestOption, terminalWidth, wrap } from './help';
import { EXIT, ExitError, createContext } from './cli-context';
import { InputError, must } from '../core/errors';
import { FileAccessError } from '../core/atomic-file';
import { BoardEncodingError } from '../core/board-bytes';
import { BoardDamagedError, BoardLockedError } from '../core/board-store';
import { StoreUnavailableError } from '../core/claim-store';
/**
 * The command table: one file per command under ./commands, each loaded only when it runs.
 * Hooks call the CLI on every tool call, so a `check` must not pay for Mattermost or git code.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  status: async () => (await import('./commands/status')).status,
  claim: async () => (await import('./commands/claim')).claim,
  release: async () => (await import('./commands/release')).release,
  renew: async () => (await import('./commands/renew')).renew,
  check: async () => (await import('./commands/check')).check,
  note: async () => (await import('./commands/note')).note,
  prune: async () => (await import('./commands/prune')).prune,
  start: async () => (await import('./commands/start')).start,
  end: async () => (await import('./commands/end')).end,
  ask: async () => (await import('./commands/ask')).ask,
  flush: async () => (await import('./commands/flush')).flush,
  listen: async () => (await import('./commands/listen')).listen,
  recap: async () => (await import('./commands/recap')).recap,
  mattermost: async () => (await import('./commands/mattermost')).mattermost,
  hook: async () => (await import('./commands/hook')).hook,
  'install-hooks': async () => (await import('./commands/install-hooks')).installHooksCommand,
  'uninstall-hooks': async () => (await import('./commands/uninstall-hooks')).uninstallHooksCommand,
  'install-git-hook': async () => (await import('./commands/install-git-hook')).installGitHook,
  guard: async () => (await import('./commands/guard')).guard,
  mcp: async () => (await import('./commands/mcp')).mcp,
  store: async () => (await import('./commands/store')).store,
  completion: async () => (await import('./commands/completion')).completion,
};

async function usage(width: number): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const col = Math.min(18, Math.max(...commands.map((c) => c.name.length)) + 4);
  return [
    ...wrap('usage: claimboard [--board PATH] [--session NAME] [--json] <command> [options]', width, 6, 0),
    '',
    'Commands:',
    ...commands.flatMap((c) => {
      const body = wrap(c.summary, width, col);
      return [`  ${c.name}`.padEnd(col) + (body[0] ?? '').slice(col), ...body.slice(1)];
    }),
    '',
    ...wrap(
      'Run `claimboard <command> --help` (or `claimboard help <command>`) for its options, defaults and examples. ' +
        'The board defaults to ~/.claude/hooks/state/coordination.md (or $CLAIMBOARD_BOARD). ' +
        'Exit codes: 0 ok, 1 error, 2 bad input, 3 held by someone else.',
      width,
      0,
    ),
  ].join('\n');
}

/** A command by its name, or undefined. */
async function loadCommand(name: string | undefined): Promise<Command | undefined> {
  const load = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  return load ? await load() : undefined;
}

/** parseArgs' errors, said in one line with what to do next. */
function optionError(e: unknown, c?: Command): InputError {
  const error = e as Error & { code?: string };
  const help = `run claimboard ${c ? `${c.name} ` : ''}--help`;
  const unknown = /^Unknown option '([^']+)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const hint = suggestOption(unknown[1] ?? '', { ...GLOBAL_OPTIONS, ...c?.options });
    return new InputError(`unknown option ${unknown[1]}${c ? ` for ${c.name}` : ''}${hint ? ` (did you mean ${hint}?)` : ''}: ${help}`);
  }
  const missing = /^Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(error.message);
  if (missing) return new InputError(`option ${missing[2]} needs a value: ${help}`);
  const given = /^Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(error.message);
  if (given) return new InputError(`option ${given[2]} takes no value: ${help}`);
  return new InputError(`${(error.message.split('\n')[0] ?? '').replace(/\.$/, '')}: ${help}`);
}

/** The command word: the first argument that is not a global option or its value. */
function findCommand(argv: string[]): { name?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = must(argv[i], 'argument');
    if (a === '--') break;
    if (a === '--board' || a === '--session') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return { name: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { rest: argv };
}

export interface RunIO {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  out?: (t: string) => void;
  err?: (t: string) => void;
  /** The terminal's width for help text (else $COLUMNS, the terminal's, or 80). */
  columns?: number;
  /** Whether `out` is a terminal (colour); by default, whether standard output is. */
  isTTY?: boolean;
}

export async function run(argv: string[], io: RunIO = {}): Promise<number> {
  const out = io.out ?? ((t: string) => writeFd(1, `${t}\n`));
  const err = io.err ?? ((t: string) => writeFd(2, `${t}\n`));
  try {
    const env = io.env ?? process.env;
    // Asked only by help and by commands that colour their output: touching process.stdout or
    // process.stderr builds their streams (node:stream, net, tty), a sixth of a hook call.
    const width = (): number => terminalWidth(env, io.columns ?? (process.stdout.isTTY ? process.stdout.columns : undefined));
    const { name, rest } = findCommand(argv);
    const command = await loadCommand(name);
    if (!command) {
      if (name === 'help') {
        const about = findCommand(rest).name;
        if (about === undefined) {
          out(await usage(width()));
          return EXIT.ok;
        }
        const c = await loadCommand(about);
        if (!c) throw new InputError(`unknown command "${about}" (run claimboard --help)`);
        out(commandHelp(c, width()));
        return EXIT.ok;
      }
      if (name !== undefined) throw new InputError(`unknown command "${name}" (run claimboard --help)`);
      let parsed;
      try {
        parsed = parseArgs({ args: argv, options: parserOptions(GLOBAL_OPTIONS), allowPositionals: true, strict: true });
      } catch (e) {
        throw optionError(e);
      }
      if (parsed.values.version) {
        out(VERSION);
        return EXIT.ok;
      }
      out(await usage(width()));
      return parsed.values.help ? EXIT.ok : EXIT.usage;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: parserOptions({ ...GLOBAL_OPTIONS, ...command.options }), allowPositionals: true, strict: true });
    } catch (e) {
      throw optionError(e, command);
    }
    if (parsed.values.help) {
      out(commandHelp(command, width()));
      return EXIT.ok;
    }
    if (parsed.values.version) {
      out(VERSION);
      return EXIT.ok;
    }
    const ctx = createContext({
      board: parsed.values.board as string | undefined,
      session: parsed.values.session as string | undefined,
      json: Boolean(parsed.values.json),
      color: () => useColor(env, io.isTTY ?? (io.out ? false : process.stdout.isTTY)),
      stderrIsTTY: () => (io.err ? false : Boolean(process.stderr.isTTY)),
      errRaw: (t) => writeFd(2, t),
      env,
      cwd: io.cwd ?? process.cwd(),
      out,
      err,
    });
    try {
      return await command.run(ctx, { positionals: parsed.positionals, values: parsed.values });
    } finally {
      await ctx.close();
    }
  } catch (e) {
    if (e instanceof ExitError) {
      err(`claimboard: ${e.message}`);
      return e.code;
    }
    if (e instanceof InputError) {
      err(`claimboard: ${e.message}`);
      return EXIT.usage;
    }
    // Known conditions of the board's file and folder: their message names the board and the fix.
    if (e instanceof FileAccessError || e instanceof BoardEncodingError || e instanceof BoardDamagedError || e instanceof BoardLockedError || e instanceof StoreUnavailableError) {
      err(`claimboard: ${e.message}`);
      return EXIT.unexpected;
    }
    const error = e as Error;
    err(`claimboard: unexpected error: ${error.message}`);
    if ((io.env ?? process.env).CLAIMBOARD_DEBUG) err(String(error.stack));
    return EXIT.unexpected;
  }
}

declare const PACKAGE_VERSION: string;
/** Written once: the launcher's tests find the version exactly once in the bundle. */
const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev';

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    // run() answers every error with an exit code; this is the last word if that itself fails.
    (e: unknown) => {
      process.stderr.write(`claimboard: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
