import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from '../command';
import type { CliContext } from '../cli-context';
import { EXIT } from '../cli-context';
import { InputError, must } from '../../core/errors';
import { findRepo } from '../../core/path-key';
import { formatSettings, installHooks, type SettingsChange } from '../../claude/hook-settings';
import { pluginEnabledIn, settingsFiles } from '../../claude/plugin-presence';

export const installHooksCommand: Command = {
  name: 'install-hooks',
  usage: 'install-hooks [--user | --project] [--dry-run] [--command CMD]',
  summary: "add claimboard's Claude Code hooks to ~/.claude/settings.json (or the project's .claude/settings.json)",
  options: {
    user: { type: 'boolean', help: 'write ~/.claude/settings.json: every project on this machine', default: 'user' },
    project: { type: 'boolean', help: "write this repository's .claude/settings.json instead" },
    'dry-run': { type: 'boolean', help: 'print the settings it would write and change nothing' },
    command: { type: 'string', arg: 'CMD', help: 'how the hooks start claimboard', default: 'claimboard when on PATH, else this node and this checkout' },
  },
  examples: ['install-hooks --dry-run', 'install-hooks', 'install-hooks --project --command claimboard'],
  run(ctx, { positionals, values }) {
    if (positionals.length) throw new InputError(`install-hooks takes no arguments (got ${positionals[0]})`);
    const command = typeof values.command === 'string' ? values.command.trim() : cliCommand(ctx.env);
    if (command === '') throw new InputError('--command is empty');
    // A board given by `--board` or CLAIMBOARD_BOARD is written into the hooks (Claude Code may
    // run them without that variable); the default board is left implicit.
    const board = ctx.boardGiven ? ctx.boardPath : undefined;
    const file = settingsPath(ctx, values);
    refuseBesidePlugin(ctx);
    const code = applyToSettings(ctx, file, Boolean(values['dry-run']), (s) => installHooks(s, command, { board }), 'installed');
    warnMachinePaths(ctx, command, Boolean(values.project), file);
    return code;
  },
};

/** The plugin already runs these hooks in every session: a second copy would run each one twice. */
function refuseBesidePlugin(ctx: CliContext): void {
  const on = pluginEnabledIn(settingsFiles(ctx.env, findRepo(ctx.cwd)?.worktree ?? ctx.cwd));
  if (!on) return;
  throw new InputError(
    `the claimboard plugin is enabled (${on.plugin} in ${on.file}): its hooks already run in every session, and installing them ` +
      `here too would run each hook twice. Nothing changed. To use settings hooks instead: claude plugin disable ${on.plugin}`,
  );
}

/**
 * A hook command naming this machine's Node and checkout stops working, silently, when either
 * moves; in a project's settings.json, which is usually committed, it breaks for everyone else.
 */
function warnMachinePaths(ctx: CliContext, command: string, project: boolean, file: string): void {
  const first = command.startsWith('"') ? command.slice(1, command.indexOf('"', 1)) : must(command.split(/\s+/)[0], 'hook command word');
  if (first.includes('/')) {
    ctx.err(
      `claimboard: warning: the hooks will run ${command}: paths on this machine. Moving the checkout or changing Node disables every guard` +
        `${project ? `, and ${file} is usually committed: the hooks would not run for anyone else` : ''}. ` +
        'Use --command claimboard (with claimboard on PATH: npm link or npm install -g) or the Claude Code plugin (README).',
    );
  } else if (!onPath(first, ctx.env)) {
    ctx.err(`claimboard: warning: ${first} is not on PATH here: Claude Code could not start the hooks, and edits would go unguarded.`);
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, name), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** `claimboard` when that name on PATH is this very CLI; otherwise node and this script's absolute path. */
export function cliCommand(env: NodeJS.ProcessEnv): string {
  const argv = cliArgv(env);
  return argv.map((a) => (/^[\w./@+-]+$/.test(a) ? a : `"${a.replace(/(["\\$`])/g, '\\$1')}"`)).join(' ');
}

export function cliArgv(env: NodeJS.ProcessEnv): string[] {
  const script = path.resolve(process.argv[1] ?? 'claimboard');
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'claimboard');
    try {
      if (fs.realpathSync(candidate) === fs.realpathSync(script)) return ['claimboard'];
    } catch {
      // not there
    }
  }
  return [process.execPath, script];
}

export function settingsPath(ctx: CliContext, values: Record<string, unknown>): string {
  if (values.user && values.project) throw new InputError('use either --user or --project, not both');
  if (values.project) {
    const root = findRepo(ctx.cwd)?.worktree ?? ctx.cwd;
    return path.join(root, '.claude', 'settings.json');
  }
  return path.join(ctx.env.HOME || os.homedir(), '.claude', 'settings.json');
}

export function applyToSettings(ctx: CliContext, file: string, dryRun: boolean, change: (s: unknown) => SettingsChange, verb: string): number {
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let current: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      current = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${file} is not valid JSON (${(e as Error).message}): fix it first; nothing changed`);
    }
  }
  let result: SettingsChange;
  try {
    result = change(current);
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}; nothing changed`);
  }
  const json = (backup: string | null) => ctx.outJson({ file, changed: result.changes.length > 0 && !dryRun, dryRun, changes: result.changes, backup });
  if (result.changes.length === 0) {
    if (ctx.json) json(null);
    else ctx.out(`${file}: nothing to change`);
    return EXIT.ok;
  }
  if (!ctx.json) {
    ctx.out(`${dryRun ? 'would change' : verb === 'installed' ? 'changed' : 'removed from'} ${file}:`);
    for (const c of result.changes) ctx.out(`  ${c}`);
  }
  if (dryRun) {
    if (ctx.json) json(null);
    return EXIT.ok;
  }
  // Write through a symlinked settings file (dotfiles) and keep its mode: settings often hold
  // API keys, so a 0600 file stays 0600, and so does its backup.
  const target = realTarget(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const mode = text !== undefined ? fs.statSync(target).mode & 0o7777 : 0o644;
  const backup = text !== undefined ? `${file}.claimboard-backup` : null;
  if (backup !== null && text !== undefined) {
    writeWithMode(backup, text, mode);
    if (!ctx.json) ctx.out(`backup of the previous file: ${backup}`);
  }
  const tmp = `${target}.claimboard-tmp`;
  writeWithMode(tmp, formatSettings(result.settings), mode);
  fs.renameSync(tmp, target);
  if (ctx.json) json(backup);
  return EXIT.ok;
}

/** The file a path finally names, following symlinks (even to a file not there yet). */
function realTarget(file: string): string {
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = fs.readlinkSync(current);
    } catch {
      return current; // not a link (or not there): this is the file
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw new InputError(`${file}: too many levels of symbolic links; nothing changed`);
}

/** Writes a new file with exactly this mode (the umask would otherwise widen or narrow it). */
function writeWithMode(file: string, text: string, mode: number): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
}
