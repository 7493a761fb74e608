/**
 * Adding claimboard's hooks to a Claude Code settings.json and taking them out again.
 *
 * Pure functions over the parsed JSON, so the CLI only does file I/O: an install keeps every
 * other key and every other hook, running it twice changes nothing, and an uninstall removes
 * exactly the hook commands claimboard owns (recognised by `… claimboard|cli.js hook <event>`),
 * leaving a group or event that other hooks still use in place.
 */
import { shellWord } from '../core/shell-word';

export const HOOK_EVENTS = ['session-start', 'pre-tool-use', 'post-tool-use', 'user-prompt-submit', 'notification', 'session-end'] as const;
export type HookEventArg = (typeof HOOK_EVENTS)[number];

/** Claude Code's event name for each `claimboard hook <event>` argument. */
export const CLAUDE_EVENT_NAME: Record<HookEventArg, string> = {
  'session-start': 'SessionStart',
  'pre-tool-use': 'PreToolUse',
  'post-tool-use': 'PostToolUse',
  'user-prompt-submit': 'UserPromptSubmit',
  notification: 'Notification',
  'session-end': 'SessionEnd',
};

/** Tools whose calls can write files; `MultiEdit` is gone from current Claude Code but kept for older ones. */
export const WRITE_TOOLS_MATCHER = 'Edit|Write|MultiEdit|NotebookEdit|Bash';

interface WantedHook {
  event: HookEventArg;
  matcher?: string;
  /** Seconds; the guard decides fast, but a locked board may need a moment. */
  timeout: number;
}

const WANTED: WantedHook[] = [
  { event: 'session-start', timeout: 15 },
  { event: 'pre-tool-use', matcher: WRITE_TOOLS_MATCHER, timeout: 15 },
  { event: 'post-tool-use', matcher: WRITE_TOOLS_MATCHER, timeout: 10 },
  { event: 'user-prompt-submit', timeout: 10 },
  // Claude Code waits for the person (a permission prompt, idle at the prompt): "needs you" later.
  { event: 'notification', timeout: 10 },
  // SessionEnd gets about 1.5 s from Claude Code whatever we ask; the board write comes first.
  { event: 'session-end', timeout: 5 },
];

interface CommandHook {
  type: string;
  command?: string;
  timeout?: number;
  [k: string]: unknown;
}
interface MatcherGroup {
  matcher?: string;
  hooks?: CommandHook[];
  [k: string]: unknown;
}
type Settings = Record<string, unknown> & { hooks?: Record<string, MatcherGroup[]> };

export interface SettingsChange {
  settings: Record<string, unknown>;
  /** One line per change, for the person running the command: `+ PreToolUse [Edit|…] claimboard hook pre-tool-use`. */
  changes: string[];
}

const OWN_COMMAND = new RegExp(`(?:^|[\\s/"'])(?:claimboard|cli\\.js)["']?\\s+hook\\s+(${HOOK_EVENTS.join('|')})(?:\\s+--board\\s+(?:'[^']*'(?:\\\\''[^']*')*|\\S+))?\\s*$`);

/** The claimboard event a hook command runs, when the command is one of ours. */
export function ownHookEvent(command: unknown): HookEventArg | undefined {
  if (typeof command !== 'string') return undefined;
  const m = OWN_COMMAND.exec(command.trim());
  return m ? (m[1] as HookEventArg) : undefined;
}

/** Throws a one-line message when the file's JSON is not a settings object we can safely edit. */
function checkShape(settings: unknown): Settings {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new Error('settings.json must hold a JSON object');
  }
  const s = settings as Settings;
  if (s.hooks !== undefined) {
    if (typeof s.hooks !== 'object' || s.hooks === null || Array.isArray(s.hooks)) throw new Error('"hooks" in settings.json must be an object');
    for (const [event, groups] of Object.entries(s.hooks)) {
      if (!Array.isArray(groups)) throw new Error(`"hooks.${event}" in settings.json must be an array`);
    }
  }
  return s;
}

/**
 * Adds (or brings up to date) claimboard's hooks. `command` is how the hook runs the CLI,
 * e.g. `claimboard` or `"/usr/bin/node" "/opt/claimboard/dist/cli.js"`.
 */
export function installHooks(input: unknown, command: string, options: { board?: string } = {}): SettingsChange {
  const settings = structuredClone(checkShape(input ?? {}));
  const changes: string[] = [];
  settings.hooks ??= {};
  const hooks = settings.hooks;
  for (const want of WANTED) {
    const eventName = CLAUDE_EVENT_NAME[want.event];
    const groups = (hooks[eventName] ??= []);
    // A board given at install time travels with each hook; otherwise the hooks use the default or $CLAIMBOARD_BOARD.
    const wantedCommand = `${command} hook ${want.event}${options.board ? ` --board ${shellWord(options.board)}` : ''}`;
    const label = `${eventName}${want.matcher ? ` [${want.matcher}]` : ''} ${wantedCommand}`;
    // Find what we installed before, wherever it ended up.
    let found: { group: MatcherGroup; hook: CommandHook } | undefined;
    for (const group of groups) {
      for (const hook of group.hooks ?? []) if (ownHookEvent(hook.command) === want.event) found ??= { group, hook };
    }
    if (found) {
      const same = found.hook.command === wantedCommand && found.hook.timeout === want.timeout && (found.group.matcher ?? undefined) === want.matcher;
      if (same) continue;
      if (found.group.hooks!.length === 1) {
        // The group is ours alone: update it in place, keeping its position.
        found.hook.command = wantedCommand;
        found.hook.timeout = want.timeout;
        if (want.matcher) found.group.matcher = want.matcher;
        else delete found.group.matcher;
        changes.push(`~ ${label}`);
        continue;
      }
      // Shared with someone else's hooks: take ours out and add a fresh group below.
      found.group.hooks = found.group.hooks!.filter((h) => h !== found!.hook);
    }
    const group: MatcherGroup = want.matcher ? { matcher: want.matcher, hooks: [] } : { hooks: [] };
    group.hooks!.push({ type: 'command', command: wantedCommand, timeout: want.timeout });
    groups.push(group);
    changes.push(`${found ? '~' : '+'} ${label}`);
  }
  return { settings, changes };
}

/** Removes every claimboard hook command; groups and events left empty by that go too. */
export function uninstallHooks(input: unknown): SettingsChange {
  const settings = structuredClone(checkShape(input ?? {}));
  const changes: string[] = [];
  const hooks = settings.hooks;
  if (!hooks) return { settings, changes };
  for (const [eventName, groups] of Object.entries(hooks)) {
    const kept: MatcherGroup[] = [];
    for (const group of groups) {
      const before = group.hooks ?? [];
      const ours = before.filter((h) => ownHookEvent(h.command));
      if (ours.length === 0) {
        kept.push(group);
        continue;
      }
      for (const h of ours) changes.push(`- ${eventName}${group.matcher ? ` [${group.matcher}]` : ''} ${h.command}`);
      const others = before.filter((h) => !ownHookEvent(h.command));
      if (others.length > 0) kept.push({ ...group, hooks: others });
    }
    if (kept.length > 0) hooks[eventName] = kept;
    else delete hooks[eventName];
  }
  if (Object.keys(hooks).length === 0) delete settings.hooks;
  return { settings, changes };
}

/** settings.json text as Claude Code and people write it: two-space JSON, trailing newline. */
export function formatSettings(settings: Record<string, unknown>): string {
  return JSON.stringify(settings, null, 2) + '\n';
}
