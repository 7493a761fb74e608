// Makes sure a real VS Code (code-server) and a headless Chromium are available, installing
// them on a fresh machine and reusing the cache afterwards. Run alone: `npm run setup:vscode`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumPath, codeServerCache, codeServerEntry, codeServerStamp, codeServerVersion, repoRoot } from './paths';

/** The version of @vscode/ripgrep inside code-server 4.100.3 and the asset it would fetch. */
const ripgrepCache = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const ripgrepAsset = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
/** Packages in code-server's tree whose install scripts must run (native builds, its own postinstall). */
const allowedScripts = [
  'argon2',
  'kerberos',
  'node-pty',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@parcel/watcher',
  'native-watchdog',
  '@vscode/deviceid',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'esbuild',
];

export class SetupError extends Error {}

function log(line: string): void {
  process.stderr.write(`[setup:vscode] ${line}\n`);
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw new SetupError(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`${cmd} ${args.slice(0, 2).join(' ')} failed with exit code ${r.status}`);
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Debian packages the tests need, each with how to tell it is there: the browser, kerberos
 * headers and rg for code-server's native build and ripgrep, and the shells whose completion
 * is run for real (test/unit/completion.test.ts).
 */
const systemPackages = {
  chromium: () => fs.existsSync(chromiumPath),
  'libkrb5-dev': () => fs.existsSync('/usr/include/krb5.h') || fs.existsSync('/usr/include/krb5/krb5.h'),
  ripgrep: () => has('rg'),
  zsh: () => has('zsh'),
  fish: () => has('fish'),
};
export type SystemPackage = keyof typeof systemPackages;

/**
 * Installs the packages of `wanted` that are missing with apt-get (as root, on a fresh Debian
 * machine such as CI's), or throws a SetupError naming them. The one install path for every
 * system package the test suite needs.
 */
export function ensureSystemPackages(wanted: SystemPackage[]): void {
  const missing = wanted.filter((p) => !systemPackages[p]());
  if (missing.length === 0) return;
  if (!has('apt-get')) throw new SetupError(`missing ${missing.join(', ')} and no apt-get to install them`);
  if (process.getuid?.() !== 0) throw new SetupError(`missing ${missing.join(', ')}: run as root or apt-get install ${missing.join(' ')}`);
  log(`installing ${missing.join(', ')} (apt-get, once)`);
  // Several test runs on one machine may install at once: wait for dpkg's lock, not fail on it.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  run('apt-get', [...lock, 'update', '-qq'], { env });
  run('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** @vscode/ripgrep downloads rg from GitHub unless its cache holds the asset; Debian's rg fills it. */
function seedRipgrepCache(): void {
  const asset = path.join(ripgrepCache, ripgrepAsset);
  if (fs.existsSync(asset)) return;
  fs.mkdirSync(ripgrepCache, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  fs.copyFileSync(rg, path.join(tmp, 'rg'));
  fs.chmodSync(path.join(tmp, 'rg'), 0o755);
  run('tar', ['czf', asset, '-C', tmp, 'rg']);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * The environment without the `npm_*` variables of an outer `npm run`: node-gyp reads every
 * `npm_config_*` as its own option, and the project's ones break argon2's native build.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function installCodeServer(): void {
  if (Number(process.versions.node.split('.')[0]) !== 20) {
    throw new SetupError(`code-server ${codeServerVersion} needs Node 20 (this is Node ${process.versions.node})`);
  }
  fs.rmSync(codeServerCache, { recursive: true, force: true });
  fs.mkdirSync(codeServerCache, { recursive: true });
  // Its own package.json keeps code-server out of the project's dependencies and lockfile.
  const pkg = {
    name: 'claimboard-code-server-cache',
    private: true,
    description: 'code-server for claimboard tests (scripts/vscode/setup.ts); safe to delete.',
    dependencies: { 'code-server': codeServerVersion },
    // Its own postinstall is run below, after its nested installs are allowed to build.
    allowScripts: { ...Object.fromEntries(allowedScripts.map((p) => [p, true])), 'code-server': false },
  };
  fs.writeFileSync(path.join(codeServerCache, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    // node-pty's postinstall runs `npx node-gyp`; code-server's refuses to run as root without unsafe-perm.
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    // Kept beside the install (the shared ~/.npm/_logs rotates quickly on a busy machine).
    npm_config_logs_dir: path.join(codeServerCache, 'npm-logs'),
  };
  log('step 1 of 2: downloading code-server and its modules (npm install, about 1 minute)');
  run('npm', ['install', '--no-package-lock', '--loglevel=error'], { cwd: codeServerCache, env });
  // code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions, which
  // have no allowScripts of their own (npm 11 would skip their native builds, and refuses
  // --allow-scripts for a project install): give them the same allow-list, then run it here.
  const codeServerDir = path.join(codeServerCache, 'node_modules', 'code-server');
  for (const sub of ['lib/vscode', 'lib/vscode/extensions']) {
    const file = path.join(codeServerDir, sub, 'package.json');
    const nested = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    nested.allowScripts = Object.fromEntries(allowedScripts.map((p) => [p, true]));
    fs.writeFileSync(file, JSON.stringify(nested, null, 2) + '\n');
  }
  const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim();
  log('step 2 of 2: installing VS Code inside code-server and building its native modules (about 1 minute)');
  run('sh', ['./postinstall.sh'], {
    cwd: codeServerDir,
    env: { ...env, npm_config_user_agent: `npm/${npmVersion} node/${process.version} ${process.platform} ${process.arch}` },
  });
  if (!fs.existsSync(codeServerEntry)) throw new SetupError(`install finished but ${codeServerEntry} is missing`);
  const pty = path.join(codeServerCache, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release');
  if (!fs.existsSync(pty)) throw new SetupError('install finished but node-pty was not built (install scripts blocked?)');
  fs.writeFileSync(codeServerStamp, new Date().toISOString() + '\n');
}

const installLock = `${codeServerCache}.lock`;
/** An install takes about 1-2 minutes; a lock older than this is left over from a killed one. */
const staleLockMs = 15 * 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding the install lock, so two test runs started at once on a fresh checkout
 * do not install into the same folder together (each would break the other's native builds).
 */
function withInstallLock<T>(fn: () => T): T {
  fs.mkdirSync(path.dirname(installLock), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      fs.mkdirSync(installLock);
      fs.writeFileSync(path.join(installLock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(installLock, 'pid'), 'utf8'));
      } catch {
        // being created or removed right now
      }
      const age = Date.now() - (fs.statSync(installLock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if ((Number.isInteger(holder) && !pidAlive(holder)) || age > staleLockMs) {
        fs.rmSync(installLock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`another run (pid ${holder}) is installing code-server; waiting for it`);
      waited = true;
      sleepSync(1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(installLock, { recursive: true, force: true });
  }
}

function codeServerInstalled(): boolean {
  return fs.existsSync(codeServerStamp) && fs.existsSync(codeServerEntry);
}

/**
 * For the demo and the screenshots: a real VS Code installed and the extension built, or the
 * process ends with one line saying why not.
 */
export function prepareOrExit(tool: string, build: boolean): void {
  try {
    ensureRealVSCode();
  } catch (e) {
    if (e instanceof SetupError) {
      process.stderr.write(`${tool}: cannot set up a real VS Code: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (build) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) process.exit(1);
  }
}

/** Ensures code-server and Chromium are installed; throws SetupError with a one-line reason if not possible. */
export function ensureRealVSCode(): { codeServerEntry: string; chromiumPath: string } {
  const needCodeServer = !codeServerInstalled();
  ensureSystemPackages(needCodeServer ? ['chromium', 'libkrb5-dev', 'ripgrep'] : ['chromium']);
  if (!fs.existsSync(chromiumPath)) throw new SetupError(`no Chromium at ${chromiumPath} (set CLAIMBOARD_CHROMIUM)`);
  if (needCodeServer) {
    withInstallLock(() => {
      if (codeServerInstalled()) return; // another run installed it while this one waited
      const started = Date.now();
      log(`first run: installing code-server ${codeServerVersion} (a real VS Code for the demo and the tests) into ${codeServerCache}; once, about 2 minutes and 1 GB`);
      seedRipgrepCache();
      installCodeServer();
      log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });
  }
  return { codeServerEntry, chromiumPath };
}

if (require.main === module) {
  try {
    ensureRealVSCode();
    log('ready');
  } catch (e) {
    process.stderr.write(`setup:vscode: cannot set up a real VS Code: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
