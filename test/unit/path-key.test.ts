import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolvePathKey, pathKeyForFile } from '../../src/core/path-key';
import { tempDir } from '../support/cli';

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
