import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateSessionName } from '../core/fields';
import { defaultBoardPath } from '../core/board-store';
import { personName } from '../core/identity';

/** Settings prefix: controllers react only to changes under it. */
export const SECTION = 'claimboard';

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** The same default as the CLI in a person's terminal: the core's rule. */
function defaultSessionName(): string {
  return personName(process.env);
}

/** Every setting, fully defaulted: the rest of the extension never sees `undefined`. */
export interface ExtensionConfig {
  boardPath: string;
  sessionName: string;
  /** Lease length for claims made from VS Code. */
  ttl: string;
  /** ETA offered first when claiming. */
  defaultEta: string;
  etaSuggestions: string[];
  warnOnOpen: boolean;
  readOnlyOnOpen: boolean;
  /** Colour claimed files' names in the Explorer (off: git's colours stay, the badge letter shows the claim). */
  colorExplorer: boolean;
  /** Count live claims on the Explorer icon (off: that badge stays VS Code's unsaved-files count). */
  viewBadge: boolean;
  /** How often the person's claims are renewed while the window is open. */
  heartbeatIntervalMs: number;
  mattermost: { serverUrl: string; channel: string; username: string };
  /** Where the board and the session name came from, in the Settings editor's words ('' = default). */
  sources: { boardPath: string; sessionName: string };
  /** Values the person set that are not used, each a sentence with the fix. */
  ignored: string[];
}

const DEFAULT_ETA_SUGGESTIONS = ['15m', '30m', '1h', '2h', '4h'];

/** Reads the settings once; called at activation and on each change under `claimboard`. */
export function readConfig(): ExtensionConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const str = (key: string, fallback: string): string => {
    const v = c.get<string>(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback;
  };
  const ignored: string[] = [];
  const boardSetting = str('boardPath', '');
  const fallbackName = defaultSessionName();
  let sessionName = str('sessionName', fallbackName);
  const badName = validateSessionName(sessionName);
  if (badName) {
    ignored.push(`claimboard.sessionName is not used (${badName}): you are ${fallbackName}. Fix it in Settings.`);
    sessionName = fallbackName;
  }
  if (!vscode.workspace.isTrusted) {
    for (const key of ['boardPath', 'sessionName'] as const) {
      const v = c.inspect<string>(key);
      if (isSet(v?.workspaceValue) || isSet(v?.workspaceFolderValue)) {
        ignored.push(`claimboard.${key} in this workspace's settings is not used until you trust the workspace.`);
      }
    }
  }
  // Set by the person, the setting wins; otherwise CLAIMBOARD_TTL, as for the CLI and the hooks.
  const ttlSet = c.inspect<string>('defaultTtl');
  const ttlChosen = [ttlSet?.workspaceFolderValue, ttlSet?.workspaceValue, ttlSet?.globalValue].find((v) => typeof v === 'string' && v.trim() !== '');
  const suggestions = c.get<string[]>('etaSuggestions');
  const heartbeatSeconds = c.get<number>('heartbeatInterval');
  return {
    boardPath: boardSetting ? path.resolve(expandHome(boardSetting)) : defaultBoardPath(),
    sessionName,
    ttl: ttlChosen?.trim() ?? (process.env.CLAIMBOARD_TTL?.trim() || str('defaultTtl', '60m')),
    defaultEta: str('defaultEta', '30m'),
    etaSuggestions: Array.isArray(suggestions) && suggestions.length > 0 ? suggestions.map(String) : DEFAULT_ETA_SUGGESTIONS,
    warnOnOpen: c.get<boolean>('warnOnOpen') ?? true,
    readOnlyOnOpen: c.get<boolean>('readOnlyOnOpen') ?? false,
    colorExplorer: c.get<boolean>('explorer.colors') ?? false,
    viewBadge: c.get<boolean>('claimsView.badge') ?? false,
    heartbeatIntervalMs: typeof heartbeatSeconds === 'number' && heartbeatSeconds > 0 ? Math.max(1, heartbeatSeconds) * 1000 : 5 * 60_000,
    mattermost: {
      serverUrl: str('mattermost.serverUrl', ''),
      channel: str('mattermost.channel', ''),
      username: str('mattermost.username', ''),
    },
    sources: { boardPath: sourceOf(c, 'boardPath'), sessionName: badName ? '' : sourceOf(c, 'sessionName') },
    ignored,
  };
}

function isSet(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Which settings the value in use was read from, so a notice can say where to change it. */
function sourceOf(c: vscode.WorkspaceConfiguration, key: string): string {
  const v = c.inspect<string>(key);
  if (isSet(v?.workspaceFolderValue)) return 'Folder settings';
  if (isSet(v?.workspaceValue)) return 'Workspace settings';
  if (isSet(v?.globalValue)) return vscode.env.remoteName ? 'User or Remote settings' : 'User settings';
  return '';
}

/** One change under `claimboard`, already resolved: what it was, what it is. */
export interface SettingsChange {
  previous: ExtensionConfig;
  current: ExtensionConfig;
  /** Did any of these resolved settings change? */
  affects(...keys: (keyof ExtensionConfig)[]): boolean;
}

/**
 * Holds the resolved settings and tells controllers when they change. Each controller has one
 * `onConfigurationChanged(e?)`, called with nothing at set-up and with each change after.
 */
export class Settings implements vscode.Disposable {
  private current: ExtensionConfig = readConfig();
  private readonly emitter = new vscode.EventEmitter<SettingsChange>();
  readonly onDidChange = this.emitter.event;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const previous = this.current;
      const current = readConfig();
      this.current = current;
      this.emitter.fire({
        previous,
        current,
        affects: (...keys) => keys.some((k) => JSON.stringify(previous[k]) !== JSON.stringify(current[k])),
      });
    });
  }

  get value(): ExtensionConfig {
    return this.current;
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}
