// `npm run test:vscode`: runs test/vscode/** inside a real VS Code extension host.
//
//   1. ensures code-server + Chromium are installed (scripts/vscode/setup.ts),
//   2. builds the extension (`npm run build`) and the suites (scripts/vscode/build-tests.ts),
//   3. starts code-server on 127.0.0.1 with a temporary run folder, workspace and board,
//   4. opens the workbench in headless Chromium with extensionDevelopmentPath + extensionTestsPath,
//   5. prints what the tests print and exits with their exit code.
//
// Options:
//   --vsix <file>   test an installed .vsix instead of the development folder
//   --bench         run test/vscode/**/*.bench.ts instead (figures into CLAIMBOARD_BENCH_OUT)
//   --shared        run test/vscode/**/*.shared.ts instead: this window is "machine B" over a
//                   shared store (a real PostgreSQL the runner starts and stops, CLAIMBOARD_STORE)
//   --grep <re>     only tests whose title matches
//   --no-build      skip `npm run build`
//   --keep          keep the run folder (it is always kept when the run fails)
// Environment: CLAIMBOARD_VSCODE_TIMEOUT (seconds, default 360), CLAIMBOARD_VSCODE_VERBOSE=1
// prints code-server's own log.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { openWorkbench, type Workbench } from './browser';
import { buildTests } from './build-tests';
import { installExtension, startCodeServer, type CodeServer } from './code-server';
import { extensionId, manifest, repoRoot, testIndex } from './paths';
import { SetupError, ensureRealVSCode } from './setup';
import { startUiBridge, type UiBridge } from './ui-bridge';
import { writeDemoRepo } from './workspace';

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string' },
    bench: { type: 'boolean', default: false },
    shared: { type: 'boolean', default: false },
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const timeoutMs = Number(process.env.CLAIMBOARD_VSCODE_TIMEOUT ?? 360) * 1000;
const verbose = process.env.CLAIMBOARD_VSCODE_VERBOSE === '1';

/** The workbench's own start-up messages, which arrive through the same log as the tests'. */
const workbenchChatter =
  /^(Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|ChatSessionStore|Creation of workbench contribution)/;

function say(line: string): void {
  process.stdout.write(`[test:vscode] ${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`test:vscode: ${message}\n`);
  process.exit(1);
}

/**
 * The web workbench reports exit code 0 when the extension host dies mid-run (process.exit,
 * a crash), so a pass also needs the result test/vscode/index.ts writes when mocha ends.
 */
function checkResult(file: string): number {
  let result: { tests?: number; failures?: number };
  try {
    result = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof result;
  } catch {
    process.stderr.write('test:vscode: the extension host ended without a test result (did it exit or crash mid-run?)\n');
    return 1;
  }
  if (!result.tests || result.failures !== 0) {
    process.stderr.write(`test:vscode: inconsistent result ${JSON.stringify(result)} for exit code 0\n`);
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  const started = Date.now();
  try {
    ensureRealVSCode();
  } catch (e) {
    if (e instanceof SetupError) fail(`cannot set up a real VS Code: ${e.message}`);
    throw e;
  }
  if (!opts['no-build']) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) fail('npm run build failed');
  }
  const suites = await buildTests();
  say(`suites: ${suites.join(', ')}`);

  // Short paths: code-server puts IPC sockets under the run folder and sockets have a length limit.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-vscode-'));
  // Opened through a symlink under another folder name (`~/code -> /data/code`, a checkout
  // renamed): every key must still be the real checkout's (`demo-repo/...`), as the CLI and the
  // hooks make them, so the whole suite runs this way.
  const checkout = writeDemoRepo(runDir);
  const workspace = path.join(runDir, 'linked-checkout');
  fs.symlinkSync(checkout, workspace);
  const boardDir = path.join(runDir, 'board');
  fs.mkdirSync(boardDir);
  const board = path.join(boardDir, 'coordination.md');

  let developmentPath = repoRoot;
  let expectedExtensionPath = repoRoot;
  if (opts.vsix) {
    const vsix = path.resolve(opts.vsix);
    if (!fs.existsSync(vsix)) fail(`no such .vsix: ${vsix}`);
    // The tests need a development extension to run in; a probe with no code stands in, so
    // the claimboard that runs is the one installed from the .vsix.
    developmentPath = path.join(__dirname, 'vsix-probe');
    const out = installExtension(runDir, vsix);
    say(out.trim().split('\n').pop() ?? 'installed');
    expectedExtensionPath = path.join(runDir, 'extensions', `${extensionId}-${manifest.version}`);
  }

  // Over a shared store: a real PostgreSQL (embedded, 127.0.0.1, a free port), its schema made.
  let store: string | undefined;
  let stopStore: (() => Promise<void>) | undefined;
  if (opts.shared) {
    const pg = await import('../../test/support/postgres');
    stopStore = pg.stopTestPostgres;
    store = await (await pg.testPostgres()).database();
    const init = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'store', 'init'], { env: { ...process.env, CLAIMBOARD_STORE: store }, encoding: 'utf8' });
    if (init.status !== 0) {
      await stopStore();
      fail(`claimboard store init: ${init.stderr.trim()}`);
    }
    say(init.stdout.trim());
  }

  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let bridge: UiBridge | undefined;
  let timer: NodeJS.Timeout | undefined;
  let hostExitTimer: NodeJS.Timeout | undefined;
  const cleanup = async (): Promise<void> => {
    clearTimeout(timer);
    clearTimeout(hostExitTimer);
    await workbench?.close();
    await bridge?.close();
    await server?.stop();
    await stopStore?.();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanup().then(() => process.exit(130));
    });
  }

  const resultFile = path.join(runDir, 'result.json');
  // Settled by codeAutomationExit, by the extension host dying first, by a timeout or a crash.
  let resolveResult: (code: number) => void = () => {};
  const result = new Promise<number>((resolve) => (resolveResult = resolve));
  // The first word decides; later ones (the host's exit logged after the result, on a slow
  // machine) are not news, and printing them read as a failure of a run that passed.
  let settled = false;
  const settle = (code: number): void => {
    if (settled) return;
    settled = true;
    clearTimeout(hostExitTimer);
    resolveResult(code);
  };
  const watchServerLog = (line: string): void => {
    if (verbose) process.stdout.write(`[code-server] ${line}\n`);
    const exit = /Extension Host Process exited with code: (\S+), signal: (\S+)\./.exec(line);
    // After a normal end the exit code arrives first; give it a moment in case the order differs.
    if (exit && !hostExitTimer && !settled) {
      hostExitTimer = setTimeout(() => {
        if (settled) return;
        process.stderr.write(`test:vscode: the extension host exited (code ${exit[1]}, signal ${exit[2]}) before the tests reported a result\n`);
        settle(1);
      }, 3000);
    }
  };
  let code: number;
  try {
    // Screenshots the suites take mid-run (test/vscode/ui.ts), kept for a person to look at.
    bridge = await startUiBridge(path.join(repoRoot, 'out', 'vscode-shots'));
    server = await startCodeServer({
      runDir,
      env: {
        CLAIMBOARD_TEST_WORKSPACE: workspace,
        // The extension exports its test surface only when asked (src/extension/test-api.ts).
        CLAIMBOARD_TEST_API: '1',
        CLAIMBOARD_BOARD: board,
        CLAIMBOARD_CLI: path.join(repoRoot, 'dist', 'cli.js'),
        CLAIMBOARD_TEST_GREP: opts.grep,
        CLAIMBOARD_VSCODE_SUITES: opts.bench ? 'bench' : opts.shared ? 'shared' : 'test',
        CLAIMBOARD_STORE: store,
        CLAIMBOARD_BENCH_OUT: opts.bench ? path.join(repoRoot, 'out', 'bench-vscode.json') : undefined,
        CLAIMBOARD_EXPECT_EXTENSION_PATH: expectedExtensionPath,
        CLAIMBOARD_TEST_RESULT: resultFile,
        CLAIMBOARD_UI_BRIDGE: bridge.url,
        CLAIMBOARD_TEST_USER_SETTINGS: path.join(runDir, 'user-data', 'User', 'settings.json'),
      },
      log: watchServerLog,
    });
    say(`code-server ${server.origin}, run folder ${runDir}`);
    const srv = server;
    timer = setTimeout(() => {
      process.stderr.write(`test:vscode: no result after ${timeoutMs / 1000} s (timeout; CLAIMBOARD_VSCODE_TIMEOUT)\n`);
      settle(1);
    }, timeoutMs);
    workbench = await openWorkbench({
      url: srv.workbenchUrl(workspace, [
        ['extensionDevelopmentPath', srv.remoteUri(developmentPath)],
        ['extensionTestsPath', srv.remoteUri(testIndex)],
      ]),
      runDir,
      onLog: (text) => {
        if (verbose || !workbenchChatter.test(text)) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
      },
      onExit: (exitCode) => {
        clearTimeout(hostExitTimer);
        settle(exitCode);
      },
    });
    bridge.attach(workbench.page);
    workbench.page.on('crash', () => {
      process.stderr.write('test:vscode: the workbench page crashed\n');
      settle(1);
    });
    code = await result;
    if (code === 0) code = checkResult(resultFile);
  } catch (e) {
    process.stderr.write(`test:vscode: ${(e as Error).message}\n`);
    code = 1;
  } finally {
    await cleanup();
  }
  if (code === 0 && !opts.keep) fs.rmSync(runDir, { recursive: true, force: true });
  else say(`run folder kept: ${runDir}`);
  say(`${code === 0 ? 'passed' : 'FAILED'} (exit ${code}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => fail(e.stack ?? e.message),
);
