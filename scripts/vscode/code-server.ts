// Starts code-server (a real VS Code 1.100.3 server) on 127.0.0.1 in its own process group,
// with every config, data and cache folder inside a run folder, and stops the whole group.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { codeServerEntry } from './paths';

export interface CodeServerOptions {
  /** Run folder: user data, extensions, HOME and XDG folders are created inside it. */
  runDir: string;
  /** Variables added to code-server's environment; the extension host inherits them. */
  env?: Record<string, string | undefined>;
  /** User settings (merged over quiet defaults). */
  settings?: Record<string, unknown>;
  /** Receives code-server's own output, line by line. */
  log?: (line: string) => void;
  /** Defaults to a random free port. */
  port?: number;
  /** More code-server arguments, e.g. `--disable-extension <id>`. */
  args?: string[];
}

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  extensionsDir: string;
  userDataDir: string;
  /** The environment code-server runs with (for `code-server --install-extension` and the CLI). */
  env: NodeJS.ProcessEnv;
  /** URL of the workbench opening `folder`, with an optional development payload. */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** `vscode-remote://` URI of a path on this server, for payload entries. */
  remoteUri(absPath: string): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and offline. */
const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of everything a run starts: nothing is read from or written to the real home. */
export function runEnv(runDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = path.join(runDir, 'home');
  const xdg = path.join(runDir, 'xdg');
  // VS Code puts its IPC sockets (vscode-ipc-*.sock) in XDG_RUNTIME_DIR, else in the system temp
  // folder, where nothing removes them: here they go with the run folder.
  const runtime = path.join(runDir, 'run');
  for (const dir of [home, xdg]) fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: xdg,
    XDG_DATA_HOME: xdg,
    XDG_CACHE_HOME: xdg,
    XDG_RUNTIME_DIR: runtime,
    // No gallery look-ups: there is no marketplace to reach.
    EXTENSIONS_GALLERY: '{}',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function baseArgs(runDir: string): string[] {
  return ['--config', path.join(runDir, 'config.yaml'), '--user-data-dir', path.join(runDir, 'user-data'), '--extensions-dir', path.join(runDir, 'extensions')];
}

/** `code-server --install-extension <vsix>` into the run's extensions folder. */
export function installExtension(runDir: string, vsix: string, env: NodeJS.ProcessEnv = runEnv(runDir)): string {
  const r = spawnSync(process.execPath, [codeServerEntry, ...baseArgs(runDir), '--install-extension', vsix], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function waitForHealth(origin: string, child: { exitCode: number | null }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s`);
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const { runDir } = opts;
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...quietSettings, ...opts.settings }, null, 2) + '\n');
  fs.writeFileSync(path.join(runDir, 'config.yaml'), 'auth: none\ncert: false\n');
  const port = opts.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const env = runEnv(runDir, opts.env);
  const args = [
    codeServerEntry,
    ...baseArgs(runDir),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.args ?? []),
  ];
  // detached: its own process group, so stop() reaches the extension hosts and watchers too.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid!;
  const log = opts.log ?? (() => {});
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) log(line);
    });
  }
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
  };
  // Whatever ends the runner, the server must not outlive it.
  const onExit = (): void => killGroup('SIGKILL');
  process.on('exit', onExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      killGroup('SIGTERM');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 100));
      killGroup('SIGKILL');
      process.off('exit', onExit);
    })());
  try {
    await waitForHealth(origin, child, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const remoteUri = (absPath: string): string => `vscode-remote://127.0.0.1:${port}${absPath}`;
  return {
    port,
    origin,
    extensionsDir,
    userDataDir,
    env,
    remoteUri,
    workbenchUrl(folder, payload) {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${origin}/?${q.toString()}`;
    },
    stop,
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
