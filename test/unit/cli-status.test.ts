/** `claimboard status` as a person reads it: aligned, coloured on a terminal only, relative times, sessions, --watch. */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, cleanEnv, ensureBuilt, runCli, tempDir } from '../support/cli';

// eslint-disable-next-line no-control-regex
const ESC = /\x1b\[/;

describe('claimboard status for people (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let board: string;
  const cb = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--board', board, ...args], { cwd: dir, env: cleanEnv(env) });

  beforeEach(async () => {
    dir = fs.realpathSync(tempDir());
    board = path.join(dir, 'coordination.md');
    await cb(['--session', 'session-a', 'start', '--repo', 'claimboard', '--task', 'parser fix']);
    await cb(['--session', 'session-a', 'claim', 'infra:a', '--eta', '30m']);
    await cb(['--session', 'a-much-longer-session-name', 'claim', 'infra:a-much-longer-path/and/more', '--eta', '2h', '--reason', 'docs']);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('aligns the claims in columns whatever the names, with clock and relative times', async () => {
    const r = await cb(['status']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => /^ {2}SESSION +PATH +ETA +LEASE UNTIL/.test(l));
    assert.ok(header > 0, r.stdout);
    const rows = lines.slice(header, header + 3);
    for (const column of ['PATH', 'ETA', 'LEASE UNTIL', 'SINCE']) {
      const at = rows[0]!.indexOf(column);
      for (const row of rows.slice(1)) assert.match(row.slice(at - 2, at), /^ {2}$/, `${column} starts at ${at} in "${row}"`);
      for (const row of rows.slice(1)) assert.notEqual(row[at], ' ', `${column} in "${row}"`);
    }
    assert.match(r.stdout, /session-a +infra:a +\d\d:\d\d, in (29|30) min +\d\d:\d\d, in 1 h/);
    assert.match(r.stdout, /a-much-longer-session-name +infra:a-much-longer-path\/and\/more +\d\d:\d\d, in (1 h 59 min|2 h)/);
  });

  it('shows the Sessions section with repo, task and claims held', async () => {
    const r = await cb(['status']);
    assert.match(r.stdout, /\nSessions \(1\)\n {2}SESSION +STARTED +CLAIMS +REPO +TASK\n {2}session-a +\d\d:\d\d, (now|\d+ min ago) +1 +claimboard +parser fix\n/);
  });

  it('colours a terminal only: never piped, never with NO_COLOR', async () => {
    assert.doesNotMatch((await cb(['status'])).stdout, ESC, 'piped');
    assert.match((await cb(['status'], { FORCE_COLOR: '1' })).stdout, ESC);
    assert.doesNotMatch((await cb(['status'], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout, ESC);
    // A real terminal (script(1) gives the command one) without and with NO_COLOR.
    ensureBuilt();
    const inTerminal = (env: NodeJS.ProcessEnv) =>
      spawnSync('script', ['-qec', `'${process.execPath}' '${CLI}' --board '${board}' status`, '/dev/null'], { cwd: dir, env: cleanEnv(env), encoding: 'utf8' });
    const tty = inTerminal({});
    assert.match(tty.stdout, ESC, tty.stderr);
    assert.doesNotMatch(inTerminal({ NO_COLOR: '1' }).stdout, ESC);
  });

  it('status --watch redraws when the board changes', async () => {
    ensureBuilt();
    const child = spawn(process.execPath, [CLI, '--board', board, 'status', '--watch'], { cwd: dir, env: cleanEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            clearInterval(timer);
            resolve();
          }
        };
        const timer = setInterval(check, 50);
        child.once('exit', () => {
          clearInterval(timer);
          reject(new Error(`status --watch exited: ${out}`));
        });
      });
    try {
      await seen(/Active claims \(2\)/);
      assert.doesNotMatch(out, /infra:b/);
      await cb(['--session', 'session-b', 'claim', 'infra:b']);
      await seen(/Active claims \(3\)[\s\S]*infra:b/);
    } finally {
      if (child.pid) process.kill(child.pid, 'SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
    assert.equal(code, 0, 'Ctrl-C or SIGTERM ends the watch cleanly');
  });
});
