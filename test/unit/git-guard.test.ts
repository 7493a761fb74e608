/**
 * The pre-commit guard on a real temporary repository: installed by `claimboard
 * install-git-hook`, chaining the hook that was there, and guarding a second worktree too.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runClaimboard } from '../support/model-server';

describe('git pre-commit guard (install-git-hook + guard)', function () {
  this.timeout(60_000);

  it('refuses a commit touching a path held by another session, in every worktree, after the chained hook', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-guard-'));
    const repo = path.join(dir, 'proj');
    const board = path.join(dir, 'board.md');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    const env: Record<string, string> = {
      HOME: dir,
      CLAIMBOARD_BOARD: board,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    const git = (args: string[], cwd = repo, extra: Record<string, string> = {}) => spawnSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, ...env, ...extra } });
    assert.equal(git(['init', '-q', '-b', 'main']).status, 0);
    fs.writeFileSync(path.join(repo, 'src/a.ts'), 'a\n');
    fs.writeFileSync(path.join(repo, 'src/b.ts'), 'b\n');
    assert.equal(git(['add', '-A']).status, 0);
    assert.equal(git(['commit', '-qm', 'init']).status, 0);

    // Someone's own pre-commit hook is already there: it must keep running.
    const hooksDir = path.join(repo, '.git/hooks');
    const marker = path.join(dir, 'chained-ran');
    fs.writeFileSync(path.join(hooksDir, 'pre-commit'), `#!/bin/sh\necho ran >> '${marker}'\n[ -f '${path.join(dir, 'chained-fails')}' ] && exit 1\nexit 0\n`, { mode: 0o755 });

    const inst = await runClaimboard(['install-git-hook'], { cwd: repo, env });
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /installed: .*pre-commit/);
    assert.match(inst.stdout, /runs the previous pre-commit hook first: .*pre-commit\.claimboard-chained/);
    const again = await runClaimboard(['install-git-hook'], { cwd: repo, env });
    assert.match(again.stdout, /already installed/);
    assert.ok(fs.existsSync(path.join(hooksDir, 'pre-commit.claimboard-chained')));

    const claim = await runClaimboard(['--session', 'session-a', 'claim', 'src/a.ts', '--eta', '45m'], { cwd: repo, env });
    assert.equal(claim.code, 0, claim.stderr);

    // session-b commits a change to a.ts: refused, naming the holder and the ETA.
    fs.writeFileSync(path.join(repo, 'src/a.ts'), 'b was here\n');
    git(['add', 'src/a.ts']);
    const refused = git(['commit', '-qm', 'b edits a'], repo, { CLAIMBOARD_SESSION: 'session-b' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /commit refused/);
    assert.match(refused.stderr, /proj\/src\/a\.ts is held by session-a — eta \d\d:\d\d/);
    assert.ok(fs.readFileSync(marker, 'utf8').includes('ran'), 'the chained hook ran first');
    assert.equal(git(['log', '--oneline']).stdout.trim().split('\n').length, 1, 'nothing committed');

    // The holder may commit it.
    const own = git(['commit', '-qm', 'a edits a'], repo, { CLAIMBOARD_SESSION: 'session-a' });
    assert.equal(own.status, 0, own.stderr);

    // A free path commits fine for anyone.
    fs.writeFileSync(path.join(repo, 'src/b.ts'), 'b2\n');
    git(['add', 'src/b.ts']);
    assert.equal(git(['commit', '-qm', 'b edits b'], repo, { CLAIMBOARD_SESSION: 'session-b' }).status, 0);

    // A second worktree shares the hook and the keys (named after the main worktree).
    const wt = path.join(dir, 'proj-feature');
    assert.equal(git(['worktree', 'add', '-q', '-b', 'feature', wt]).status, 0);
    fs.writeFileSync(path.join(wt, 'src/a.ts'), 'from the worktree\n');
    git(['add', 'src/a.ts'], wt);
    const wtRefused = git(['commit', '-qm', 'wt edits a'], wt, { CLAIMBOARD_SESSION: 'session-b' });
    assert.notEqual(wtRefused.status, 0);
    assert.match(wtRefused.stderr, /proj\/src\/a\.ts is held by session-a/);

    // A failing chained hook still refuses the commit, even when the board would allow it.
    fs.writeFileSync(path.join(dir, 'chained-fails'), '');
    fs.writeFileSync(path.join(repo, 'src/b.ts'), 'b3\n');
    git(['add', 'src/b.ts']);
    assert.notEqual(git(['commit', '-qm', 'x'], repo, { CLAIMBOARD_SESSION: 'session-b' }).status, 0);
    fs.rmSync(path.join(dir, 'chained-fails'));

    // Uninstall puts the previous hook back.
    const un = await runClaimboard(['install-git-hook', '--uninstall'], { cwd: repo, env });
    assert.equal(un.code, 0, un.stderr);
    assert.match(fs.readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8'), /chained-ran/);
    assert.ok(!fs.existsSync(path.join(hooksDir, 'pre-commit.claimboard-chained')));
  });

  it('a --board given to install-git-hook is the board the guard checks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-guard-board-'));
    const repo = path.join(dir, 'r');
    const board = path.join(dir, 'team board.md');
    fs.mkdirSync(repo);
    const env: Record<string, string> = { HOME: dir, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_CONFIG_NOSYSTEM: '1' };
    const git = (args: string[], extra: Record<string, string> = {}) => spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { PATH: process.env.PATH, ...env, ...extra } });
    git(['init', '-q']);
    fs.writeFileSync(path.join(repo, 'x.txt'), '1\n');
    assert.equal((await runClaimboard(['--board', board, 'install-git-hook'], { cwd: repo, env })).code, 0);
    assert.equal((await runClaimboard(['--board', board, '--session', 'session-a', 'claim', 'x.txt'], { cwd: repo, env })).code, 0);
    git(['add', 'x.txt']);
    const refused = git(['commit', '-qm', 'x'], { CLAIMBOARD_SESSION: 'session-b' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /r\/x\.txt is held by session-a/);
  });

  it('outside a repository: a clear one-line error, nothing written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-guard-none-'));
    const r = await runClaimboard(['install-git-hook'], { cwd: dir, env: { HOME: dir, GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^claimboard: .* is not inside a git repository\n$/);
  });

  it('writes --board into the hook even when CLAIMBOARD_BOARD names the same board, so a GUI client checks it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-githook-board-'));
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    const board = path.join(dir, 'board.md');
    const r = await runClaimboard(['--board', board, 'install-git-hook'], { cwd: dir, env: { HOME: dir, CLAIMBOARD_BOARD: board } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.readFileSync(path.join(dir, '.git/hooks/pre-commit'), 'utf8').includes(board), 'the board is in the hook');
  });

  it('an existing hook it cannot read stops the install instead of being overwritten', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-githook-unreadable-'));
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    // Root reads every file, so the unreadable hook here is a folder (EISDIR, not ENOENT).
    const hook = path.join(dir, '.git/hooks/pre-commit');
    fs.mkdirSync(path.join(hook, 'keep'), { recursive: true });
    const r = await runClaimboard(['install-git-hook'], { cwd: dir, env: { HOME: dir } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^claimboard: cannot read the existing hook .*pre-commit: .*nothing changed\n$/);
    assert.ok(fs.existsSync(path.join(hook, 'keep')));
  });

  it('says git is not installed when there is no git, not "not inside a git repository"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-githook-nogit-'));
    const r = await runClaimboard(['install-git-hook'], { cwd: dir, env: { HOME: dir, PATH: path.join(dir, 'empty-bin') } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^claimboard: git is not installed/);
  });
});
