/**
 * claimboard's hooks can reach Claude Code two ways: the plugin's hooks/hooks.json and the
 * settings.json hooks `install-hooks` writes. With both, every event would run twice (two
 * auto-claims, two announcements). Each side looks for the other: `install-hooks` refuses
 * while the plugin is enabled, and a plugin hook steps aside when the settings have one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ownHookEvent, CLAUDE_EVENT_NAME, type HookEventArg } from './hook-settings';

/** Set in the plugin's hook commands (hooks/hooks.json): the hook runs as the plugin's. */
export const PLUGIN_HOOK_MARK = 'CLAIMBOARD_HOOKS_FROM=plugin';

export interface SettingsFile {
  file: string;
  scope: 'user' | 'project' | 'local';
}

/** The settings files Claude Code reads for a session in `projectDir`, which hooks and plugins can come from. */
export function settingsFiles(env: Record<string, string | undefined>, projectDir: string | undefined): SettingsFile[] {
  const home = env.HOME || os.homedir();
  const out: SettingsFile[] = [{ file: path.join(home, '.claude', 'settings.json'), scope: 'user' }];
  if (projectDir) {
    out.push({ file: path.join(projectDir, '.claude', 'settings.json'), scope: 'project' });
    out.push({ file: path.join(projectDir, '.claude', 'settings.local.json'), scope: 'local' });
  }
  return out;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The settings files that run claimboard's hook for `event` themselves. */
export function settingsWithHook(files: readonly SettingsFile[], event: HookEventArg): SettingsFile[] {
  return files.filter(({ file }) => {
    const hooks = readJson(file)?.hooks as Record<string, { hooks?: { command?: unknown }[] }[]> | undefined;
    const groups = hooks?.[CLAUDE_EVENT_NAME[event]];
    return Array.isArray(groups) && groups.some((g) => Array.isArray(g?.hooks) && g.hooks.some((h) => ownHookEvent(h?.command) === event));
  });
}

/** Where the claimboard plugin is enabled (`enabledPlugins: { "claimboard@…": true }`), if anywhere. */
export function pluginEnabledIn(files: readonly SettingsFile[]): { file: string; plugin: string } | undefined {
  for (const { file } of files) {
    const enabled = readJson(file)?.enabledPlugins;
    if (typeof enabled !== 'object' || enabled === null) continue;
    for (const [key, on] of Object.entries(enabled)) if (on === true && key.split('@')[0] === 'claimboard') return { file, plugin: key };
  }
  return undefined;
}

/** What a plugin hook says when it steps aside: where the other copy is and the command that removes it. */
export function doubleHooksMessage(found: readonly SettingsFile[]): string {
  const fixes = found.map((f) => (f.scope === 'local' ? `remove claimboard's hooks from ${f.file}` : `\`claimboard uninstall-hooks --${f.scope}\``));
  return (
    `claimboard: its hooks are installed twice, by the claimboard plugin and in ${found.map((f) => f.file).join(' and ')}. ` +
    `The plugin's hooks step aside so each event runs once. To keep only the plugin: ${fixes.join(', then ')}.`
  );
}
