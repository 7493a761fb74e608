/**
 * `npm start` as a newcomer meets it: the printed URL opened in a real browser shows the file a
 * session holds and the Claims view, and every command it prints runs as printed.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from '../../scripts/vscode/browser';
import { ensureRealVSCode } from '../../scripts/vscode/setup';
import { ROOT, cleanEnv, ensureBuilt, tempDir } from '../support/cli';

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function bash(command: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm start (a real VS Code)', function () {
  this.timeout(300_000);
  let start: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let workbench: Workbench | undefined;
  let browserDir: string | undefined;
  let output = '';
  let ended = false;
  let outputEnded: Promise<void> = Promise.resolve();

  /** Resolves with the first match of `re` in what `npm start` printed so far or prints later. */
  function printed(re: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const look = (): boolean => {
        const m = re.exec(output);
        if (m) resolve(m);
        return !!m;
      };
      if (look()) return;
      const onData = (): void => {
        if (look()) start?.stdout?.off('data', onData);
      };
      start?.stdout?.on('data', onData);
      // Its output ends when every process of the demo has closed it.
      start?.stdout?.on('end', () => {
        if (!look()) reject(new Error(`npm start ended without printing ${re}:\n${output}`));
      });
    });
  }

  before(() => {
    ensureRealVSCode();
    ensureBuilt();
  });

  after(async () => {
    await workbench?.close();
    // After a failure: stop it as Ctrl-C would, so it removes its run folder and ends
    // code-server (its own process group); SIGKILL only if that does not end it.
    const group = start?.pid;
    if (group && !ended) {
      signalGroup(group, 'SIGINT');
      await Promise.race([outputEnded, new Promise((r) => setTimeout(r, 30_000))]);
      signalGroup(group, 'SIGKILL');
    }
    if (browserDir) fs.rmSync(browserDir, { recursive: true, force: true });
  });

  it('opens the held file and the Claims view, and every command it prints runs as printed', async () => {
    start = spawn('npm', ['start', '--', '--no-build', '--interval', '2'], { cwd: ROOT, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout?.setEncoding('utf8');
    start.stdout?.on('data', (d: string) => (output += d));
    start.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const stdout = start.stdout;
    outputEnded = new Promise((resolve) => stdout?.on('end', () => resolve()));
    void outputEnded.then(() => (ended = true));
    const child = start;
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));

    const url = (await printed(/open VS Code:\s+(\S+)/))[1] ?? '';
    const board = (await printed(/board:\s+(\S+)/))[1] ?? '';
    // The scripted sessions' first step is printed after everything to try.
    await printed(/^\[start\] session-\w \$ claimboard /m);
    const commands = [...output.matchAll(/^\[start\]\s+\$ (.+)$/gm)].map((m) => m[1] ?? '');
    assert.ok(commands.length >= 3, `npm start prints commands to try:\n${output}`);

    browserDir = tempDir('cb-start-browser-');
    workbench = await openWorkbench({ url, runDir: browserDir, viewport: { width: 1280, height: 800 } });
    const { page } = workbench;
    page.setDefaultTimeout(120_000);
    await page.locator('.tabs-container .tab.active', { hasText: 'schema.sql' }).waitFor();
    const claimsHeader = page.locator('.pane-header[aria-label^="Claims"]');
    await page.locator('.pane-header[aria-label^="Claims"][aria-expanded="true"]').waitFor();
    const claimsBody = claimsHeader.locator('xpath=..').locator('.pane-body');
    await claimsBody.getByText('session-b', { exact: false }).first().waitFor();
    const status = page.locator('.statusbar-item', { hasText: /claims? · \d+ mine/ });
    assert.match(await status.innerText(), /· 1 mine/, 'the person holds src/index.ts only');
    // Kept with the run's temporary folder under CLAIMBOARD_KEEP_TMP=1, to look at.
    await page.screenshot({ path: path.join(path.dirname(browserDir), 'npm-start.png') });

    for (const command of commands) {
      const r = await bash(command);
      assert.equal(r.code, 0, `\`${command}\` exited ${r.code}:\n${r.out}`);
      // The claim shows in the workbench (two of the person's claims), and its release too.
      if (/ claim /.test(command)) await page.locator('.statusbar-item', { hasText: /· 2 mine/ }).waitFor();
      if (/ release /.test(command)) await page.locator('.statusbar-item', { hasText: /· 1 mine/ }).waitFor();
    }
    assert.ok(
      commands.some((c) => / status$/.test(c)),
      'status is among the commands',
    );

    // Ctrl-C in a terminal: SIGINT to the whole process group. npm itself may end on it at
    // once; start.ts stops what it started and says so.
    signalGroup(start.pid ?? 0, 'SIGINT');
    await exited;
    await printed(/^\[start\] stopped$/m);
    assert.ok(!fs.existsSync(path.dirname(path.dirname(board))), `the run folder of ${board} is removed`);
  });
});
