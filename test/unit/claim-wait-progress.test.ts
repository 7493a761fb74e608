/** `claim --wait` says whom it waits for and until when; on a terminal a line counts down in place. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, cleanEnv, ensureBuilt, runCli, tempDir } from '../support/cli';

describe('claim --wait progress (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let board: string;
  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
    board = path.join(dir, 'board.md');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function waitingClaim(inTerminal: boolean): Promise<string> {
    ensureBuilt();
    assert.equal((await runCli(['--board', board, '--session', 'session-a', 'claim', 'infra:q', '--eta', '30m'], { cwd: dir, env: cleanEnv() })).code, 0);
    const argv = [process.execPath, CLI, '--board', board, '--session', 'session-b', 'claim', 'infra:q', '--wait', '30s'];
    // script(1) gives the command a terminal, as a person's shell does.
    const child = inTerminal
      ? spawn('script', ['-qec', argv.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: dir, env: cleanEnv() })
      : spawn(argv[0]!, argv.slice(1), { cwd: dir, env: cleanEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const until = Date.now() + 30_000;
    // Released once the waiting line was redrawn at least once (a second after it was first drawn).
    // eslint-disable-next-line no-control-regex
    const ready = inTerminal ? /waiting for session-a to release[^\r]*\r\x1b\[K {2}waiting for session-a/ : /waiting up to 30s/;
    while (!ready.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, ready);
    assert.equal((await runCli(['--board', board, '--session', 'session-a', 'release', 'infra:q'], { cwd: dir, env: cleanEnv() })).code, 0);
    assert.equal(await exited, 0, out);
    return out;
  }

  it('says whom it waits for, the ETA, and until when', async () => {
    const out = await waitingClaim(false);
    assert.match(out, /claimboard: infra:q is held by session-a — eta \d\d:\d\d, lease until \d\d:\d\d; waiting up to 30s, until \d\d:\d\d:\d\d \(\d+ s from now\)/);
    assert.doesNotMatch(out, /\r/, 'piped: no line redrawn');
    assert.match(out, /claimed session-b {2}infra:q/);
  });

  it('on a terminal counts down in place and erases the line when the claim is granted', async () => {
    const out = await waitingClaim(true);
    assert.match(out, / {2}waiting for session-a to release: \d+ s left \(until \d\d:\d\d:\d\d\); Ctrl-C to stop/);
    // eslint-disable-next-line no-control-regex
    assert.match(out, /\r\x1b\[Kclaimed session-b/s);
  });
});
