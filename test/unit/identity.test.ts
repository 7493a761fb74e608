/**
 * Who acts when nobody said: a person in their own terminal is their OS user name, the same
 * name VS Code uses (core/identity.ts), so the git guard lets them commit what they claimed
 * there; a command Claude runs acts as its session or fails clearly, never as the person.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { personName } from '../../src/core/identity';
import { cleanEnv, runCli, tempDir } from '../support/cli';

describe('identity: the person, the Claude session (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let board: string;
  let repo: string;
  const me = personName(process.env);
  const cb = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) => runCli(['--board', board, ...args], { cwd, env: cleanEnv(env) });
  const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      env: cleanEnv({ HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', ...env }),
    });

  beforeEach(() => {
    dir = fs.realpathSync(tempDir());
    board = path.join(dir, 'board.md');
    repo = path.join(dir, 'proj');
    fs.mkdirSync(repo);
    git(['init', '-q', '-b', 'main']);
    fs.writeFileSync(path.join(repo, 'a.ts'), 'a\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a person in their terminal is their OS user name, as in VS Code', async () => {
    const r = await cb(['claim', 'infra:x']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(board, 'utf8'), new RegExp(`^- ${me} \\(started \\d\\d:\\d\\d\\) — infra:x`, 'm'));
    assert.equal((await cb(['release', 'infra:x'])).code, 0);
  });

  it('the git guard lets a person commit what they claimed in VS Code, and refuses what another holds', async () => {
    // VS Code claims with its default name: the core's personName, as the extension calls it.
    assert.equal((await cb(['--session', me, 'claim', 'a.ts'], {}, repo)).code, 0);
    git(['add', 'a.ts']);
    let g = await cb(['guard'], {}, repo);
    assert.equal(g.code, 0, g.stderr);
    assert.equal((await cb(['--session', me, 'release', '--all'])).code, 0);
    assert.equal((await cb(['--session', 'session-a', 'claim', 'a.ts'], {}, repo)).code, 0);
    g = await cb(['guard'], {}, repo);
    assert.equal(g.code, 3);
    assert.match(g.stderr, new RegExp(`You are ${me}\\.`));
  });

  it('inside Claude Code a command acts as its session, or fails clearly; never as the person', async () => {
    assert.equal((await cb(['--session', me, 'claim', 'a.ts'], {}, repo)).code, 0);
    // No session on the board for this Claude Code process: a clear error, nothing written.
    const before = fs.readFileSync(board, 'utf8');
    let r = await cb(['claim', 'infra:y'], { CLAUDECODE: '1' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^claimboard: no session name: this runs inside Claude Code.*claimboard install-hooks.*--session NAME/);
    assert.equal(fs.readFileSync(board, 'utf8'), before);
    // git run by Claude: the person's claim is someone else's.
    git(['add', 'a.ts']);
    const g = await cb(['guard'], { CLAUDECODE: '1' }, repo);
    assert.equal(g.code, 3, g.stderr);
    assert.match(g.stderr, /runs inside Claude Code/);
    // With the session the hooks registered, the command is that session.
    assert.equal((await cb(['--session', 'session-c', 'start'], {})).code, 0);
    fs.writeFileSync(board, fs.readFileSync(board, 'utf8').replace(/^(- session-c \(started [^)]*\))/m, '$1 — claude uuid-c'));
    r = await cb(['claim', 'infra:y'], { CLAUDECODE: '1', CLAUDE_CODE_SESSION_ID: 'uuid-c' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(board, 'utf8'), /^- session-c \(started .*— infra:y/m);
  });
});
