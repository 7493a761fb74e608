import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolvePathKey, pathKeyForFile, useRepoNaming } from '../../src/core/path-key';
import { cleanEnv, runCli, tempDir } from '../support/cli';

describe('path keys', () => {
  let dir: string;
  let main: string;
  let wt: string;
  before(() => {
    dir = fs.realpathSync(tempDir());
    main = path.join(dir, 'home_k3s_cluster');
    wt = path.join(dir, 'k3s-feature');
    fs.mkdirSync(path.join(main, 'src'), { recursive: true });
    fs.writeFileSync(path.join(main, 'src', 'a.ts'), 'x');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: main, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'init');
    git('worktree', 'add', '-q', wt);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the repository after its main worktree, from the main worktree and a linked one', () => {
    assert.equal(resolvePathKey('src/a.ts', main), 'home_k3s_cluster/src/a.ts');
    assert.equal(resolvePathKey('src/a.ts', wt), 'home_k3s_cluster/src/a.ts');
    assert.equal(pathKeyForFile(path.join(wt, 'src', 'new-file.ts')), 'home_k3s_cluster/src/new-file.ts');
  });

  it('resolves ./, ../, absolute and glob arguments from the file system', () => {
    assert.equal(resolvePathKey('./src/*.ts', wt), 'home_k3s_cluster/src/*.ts');
    assert.equal(resolvePathKey('../../home_k3s_cluster/src', path.join(wt, 'src')), 'home_k3s_cluster/src');
    assert.equal(resolvePathKey('.', wt), 'home_k3s_cluster');
    assert.equal(resolvePathKey(path.join(main, 'src')), 'home_k3s_cluster/src');
  });

  it('takes anything else as a key as written', () => {
    assert.equal(resolvePathKey('infra:homelab-prod', main), 'infra:homelab-prod');
    assert.equal(resolvePathKey('zolty-blog/hugo/content/posts/*', main), 'zolty-blog/hugo/content/posts/*');
    assert.equal(resolvePathKey('repo/src/', main), 'repo/src');
  });

  it('outside any repository a path key is the absolute path', () => {
    const loose = fs.realpathSync(tempDir());
    try {
      assert.equal(resolvePathKey('./notes.txt', loose), `${loose}/notes.txt`);
    } finally {
      fs.rmSync(loose, { recursive: true, force: true });
    }
  });
});

describe('repository names across machines (CLAIMBOARD_REPO_NAMES, git config claimboard.repo)', function () {
  this.timeout(60_000);
  let dir: string;
  let laptop: string;
  let server: string;
  let serverWt: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
  before(() => {
    dir = fs.realpathSync(tempDir());
    // One repository, checked out under a different folder name on each "machine".
    const origin = path.join(dir, 'origin', 'shop.git');
    fs.mkdirSync(origin, { recursive: true });
    git(origin, 'init', '-q', '--bare');
    laptop = path.join(dir, 'laptop', 'shop');
    server = path.join(dir, 'server', 'work-shop');
    serverWt = path.join(dir, 'server', 'shop-hotfix');
    for (const checkout of [laptop, server]) {
      fs.mkdirSync(path.join(checkout, 'src'), { recursive: true });
      git(checkout, 'init', '-q');
      git(checkout, 'remote', 'add', 'origin', checkout === laptop ? origin : `git@example.com:me/shop.git`);
      fs.writeFileSync(path.join(checkout, 'src', 'a.ts'), 'x');
      git(checkout, 'add', '.');
      git(checkout, 'commit', '-qm', 'init');
    }
    git(server, 'worktree', 'add', '-q', serverWt);
  });
  afterEach(() => useRepoNaming('folder'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("folder names by default (keys as they always were), the origin remote's name with remote", () => {
    assert.equal(resolvePathKey('src/a.ts', laptop), 'shop/src/a.ts');
    assert.equal(resolvePathKey('src/a.ts', server), 'work-shop/src/a.ts');
    useRepoNaming('remote');
    assert.equal(resolvePathKey('src/a.ts', laptop), 'shop/src/a.ts');
    assert.equal(resolvePathKey('src/a.ts', server), 'shop/src/a.ts', 'git@host:me/shop.git');
    assert.equal(pathKeyForFile(path.join(serverWt, 'src', 'b.ts')), 'shop/src/b.ts', "a linked worktree reads its main repository's remote");
  });

  it("a name set in the repository's git config wins in either mode", () => {
    git(server, 'config', 'claimboard.repo', 'storefront');
    try {
      assert.equal(resolvePathKey('src/a.ts', server), 'storefront/src/a.ts');
      useRepoNaming('remote');
      assert.equal(resolvePathKey('src/a.ts', serverWt), 'storefront/src/a.ts');
    } finally {
      git(server, 'config', '--unset', 'claimboard.repo');
    }
  });

  it('through the CLI: a claim made from one checkout holds the other; a bad CLAIMBOARD_REPO_NAMES is one line, exit 2', async () => {
    const board = path.join(dir, 'board.md');
    const env = cleanEnv({ CLAIMBOARD_REPO_NAMES: 'remote' });
    const a = await runCli(['--board', board, '--session', 'session-a', 'claim', 'src/a.ts'], { cwd: laptop, env });
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['--board', board, '--session', 'session-b', 'check', 'src/a.ts'], { cwd: server, env });
    assert.equal(b.code, 3, b.stdout + b.stderr);
    assert.match(b.stdout + b.stderr, /session-a/);
    const folder = await runCli(['--board', board, '--session', 'session-b', 'check', 'src/a.ts'], { cwd: server });
    assert.equal(folder.code, 0, 'by folder names the two checkouts are different repositories');
    const bad = await runCli(['--board', board, '--session', 'session-b', 'check', 'src/a.ts'], { cwd: server, env: cleanEnv({ CLAIMBOARD_REPO_NAMES: 'origin' }) });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^claimboard: CLAIMBOARD_REPO_NAMES is "origin": use folder .* or remote/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });
});
