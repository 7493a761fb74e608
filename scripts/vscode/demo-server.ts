// One real VS Code with claimboard installed, a demo repository and a demo board in a temporary
// folder: what `npm start` serves and what the screenshots are taken of.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VIEWS } from '../../src/extension/ids';
import { runEnv, startCodeServer, type CodeServer } from './code-server';
import { seedDemoBoard, type DemoContext } from './demo';
import { extensionId, manifest, repoRoot } from './paths';
import { writeDemoRepo } from './workspace';

/** The person's session name in the demo (their claims look different from the sessions'). */
export const demoPerson = 'me';

export interface DemoOptions {
  port?: number;
  /** Extra environment for code-server and the CLI (e.g. Mattermost settings). */
  env?: Record<string, string | undefined>;
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
  /** More code-server arguments. */
  args?: string[];
  /** The workbench shows the Claims view at start (for `npm start`, whose URL opens a held file). */
  openClaimsView?: boolean;
}

export interface Demo {
  server: CodeServer;
  runDir: string;
  repo: string;
  board: string;
  ctx: DemoContext;
  /** The workbench URL opening the demo repository. */
  url: string;
  stop(): Promise<void>;
}

/** The files of the extension as the .vsix holds them (see .vscodeignore). */
const packagedEntries = ['package.json', 'dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE'];

/**
 * A workbench URL can open a file but run no command, and the Claims view starts collapsed at
 * the bottom of the Explorer: this tiny extension of the demo's own expands it once claimboard
 * is up, then gives the keyboard back to the editor.
 */
export function installClaimsViewOpener(extensionsDir: string): void {
  const dir = path.join(extensionsDir, 'claimboard-demo.open-claims-view-0.0.0');
  fs.mkdirSync(dir, { recursive: true });
  const pkg = {
    name: 'open-claims-view',
    displayName: 'claimboard demo: open the Claims view',
    publisher: 'claimboard-demo',
    version: '0.0.0',
    engines: { vscode: '^1.100.0' },
    activationEvents: ['onStartupFinished'],
    extensionDependencies: [extensionId],
    main: './extension.js',
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    [
      "const vscode = require('vscode');",
      'exports.activate = async () => {',
      "  await vscode.commands.executeCommand('workbench.view.explorer');",
      `  await vscode.commands.executeCommand('${VIEWS.claims}.focus');`,
      "  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');",
      '};',
      '',
    ].join('\n'),
  );
}

/** Installs the built extension as `<publisher>.<name>-<version>` in an extensions folder. */
export function installBuiltExtension(extensionsDir: string): string {
  const target = path.join(extensionsDir, `${extensionId}-${manifest.version}`);
  fs.rmSync(target, { recursive: true, force: true });
  for (const entry of packagedEntries) {
    const from = path.join(repoRoot, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
  }
  return target;
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  // Short paths: code-server puts IPC sockets under the run folder.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-demo-'));
  const repo = writeDemoRepo(runDir);
  fs.mkdirSync(path.join(runDir, 'board'));
  const board = path.join(runDir, 'board', 'coordination.md');
  const env = { CLAIMBOARD_BOARD: board, ...opts.env };
  const ctx: DemoContext = { board, repo, env: runEnv(runDir, env) };
  let server: CodeServer;
  try {
    await seedDemoBoard(ctx, demoPerson);
    installBuiltExtension(path.join(runDir, 'extensions'));
    if (opts.openClaimsView) installClaimsViewOpener(path.join(runDir, 'extensions'));
    server = await startDemoServer(runDir, env, opts);
  } catch (e) {
    fs.rmSync(runDir, { recursive: true, force: true });
    throw e;
  }
  return {
    server,
    runDir,
    repo,
    board,
    ctx,
    url: server.workbenchUrl(repo),
    async stop() {
      await server.stop();
      // A detached claimboard (the outbox's flusher) may still be writing its last file there.
      fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

function startDemoServer(runDir: string, env: Record<string, string | undefined>, opts: DemoOptions): Promise<CodeServer> {
  return startCodeServer({
    runDir,
    port: opts.port,
    args: opts.args,
    env,
    settings: {
      'claimboard.sessionName': demoPerson,
      'claimboard.boardPath': env.CLAIMBOARD_BOARD,
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      ...opts.settings,
    },
    log: opts.log,
  });
}
