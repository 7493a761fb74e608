/**
 * `claimboard`: what Claude sessions, their hooks, git and people run. Parses the global
 * options, finds the command in the table and maps errors to the documented exit codes:
 * 0 ok, 1 unexpected error, 2 bad usage or input (nothing written), 3 conflict.
 */
import { parseArgs } from 'node:util';
import { writeFd } from './write-fd';
import type { Command, OptionSpec } from './command';
import { EXIT, ExitError, createContext } from './cli-context';
import { InputError } from '../core/errors';
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
};

const GLOBAL_OPTIONS: OptionSpec = {
  board: { type: 'string' },
  session: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const width = Math.min(44, Math.max(...commands.map((c) => c.usage.length)));
  return [
    'usage: claimboard [--board PATH] [--session NAME] [--json] <command>',
    '',
    ...commands.map((c) => (c.usage.length > width ? `  ${c.usage}\n  ${''.padEnd(width)}  ${c.summary}` : `  ${c.usage.padEnd(width)}  ${c.summary}`)),
    '',
    'The board defaults to ~/.claude/hooks/state/coordination.md (or $CLAIMBOARD_BOARD);',
    'the session to $CLAIMBOARD_SESSION. Exit codes: 0 ok, 1 error, 2 bad input, 3 held by someone else.',
  ].join('\n');
}

/** The command word: the first argument that is not a global option or its value. */
function findCommand(argv: string[]): { name?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--board' || a === '--session') { i++; continue; }
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
}

export async function run(argv: string[], io: RunIO = {}): Promise<number> {
  const out = io.out ?? ((t: string) => writeFd(1, `${t}\n`));
  const err = io.err ?? ((t: string) => writeFd(2, `${t}\n`));
  try {
    const { name, rest } = findCommand(argv);
    const load = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    const command = load ? await load() : undefined;
    if (!command) {
      if (argv.includes('--version')) { out(typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'); return EXIT.ok; }
      if (name === undefined || name === 'help' || argv.includes('--help') || argv.includes('-h')) {
        out(await usage());
        return name === undefined && !argv.includes('--help') && !argv.includes('-h') && name !== 'help' ? EXIT.usage : EXIT.ok;
      }
      throw new InputError(`unknown command "${name}" (run claimboard --help)`);
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new InputError(`${(e as Error).message.split('\n')[0]} (usage: claimboard ${command.usage})`);
    }
    if (parsed.values.help) { out(`usage: claimboard ${command.usage}\n  ${command.summary}`); return EXIT.ok; }
    const ctx = createContext({
      board: parsed.values.board as string | undefined,
      session: parsed.values.session as string | undefined,
      json: Boolean(parsed.values.json),
      env: io.env ?? process.env,
      cwd: io.cwd ?? process.cwd(),
      out, err,
    });
    try {
      return await command.run(ctx, { positionals: parsed.positionals, values: parsed.values });
    } finally {
      await ctx.close();
    }
  } catch (e) {
    if (e instanceof ExitError) { err(`claimboard: ${e.message}`); return e.code; }
    if (e instanceof InputError) { err(`claimboard: ${e.message}`); return EXIT.usage; }
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
