import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Claim } from '../../src/core/model';
import { fileKeyAndRepo } from '../../src/core/path-key';
import { literalPrefix } from '../../src/core/overlap';
import { claimTooltip, holderBadge } from '../../src/extension/claim-text';
import { PathKeys } from '../../src/extension/path-keys';

describe('extension: badges and tooltips (plain Node)', () => {
  it('gives each holder a badge of at most 2 characters', () => {
    assert.equal(holderBadge('session-a'), 'A');
    assert.equal(holderBadge('session-12'), '12');
    assert.equal(holderBadge('session_bc3'), 'BC');
    assert.equal(holderBadge('alice'), 'AL');
    assert.equal(holderBadge('build-bot'), 'BB');
    assert.equal(holderBadge('Ümit Öz'), 'ÜÖ');
    for (const s of ['session-a', 'x', 'a-very-long-name-indeed', 'session-', '日本語']) assert.ok([...holderBadge(s)].length <= 2, s);
  });

  it('writes the tooltip in the seed form, today in short times', () => {
    const now = new Date(2026, 3, 27, 19, 30);
    const c: Claim = {
      session: 'session-a',
      path: 'repo/src/**',
      started: new Date(2026, 3, 27, 19, 15),
      eta: new Date(2026, 3, 27, 19, 45),
      expires: new Date(2026, 3, 27, 20, 15),
      leaseDerived: false,
      mode: 'exclusive',
      reason: 'parser rewrite',
      line: 3,
    };
    assert.equal(claimTooltip(c, false, now), 'Claimed by session-a since 19:15 — eta 19:45 — lease until 20:15 — parser rewrite');
    assert.equal(claimTooltip({ ...c, eta: undefined, reason: undefined, started: new Date(2026, 3, 26, 23, 50) }, true, now), 'Claimed by session-a (you) since 2026-04-26 23:50 — lease until 20:15');
  });
});

describe('extension: path keys for the files VS Code asks about (plain Node)', () => {
  let dir: string;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-keys-')));
    fs.mkdirSync(path.join(dir, 'my-repo', '.git'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'my-repo', 'src', 'deep'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'loose'), { recursive: true });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keys files as <repo>/<path in repo>, the repo root as its name, and loose files by absolute path', () => {
    let lookups = 0;
    const keys = new PathKeys((p) => {
      lookups++;
      return fileKeyAndRepo(p);
    });
    assert.equal(keys.keyForPath(path.join(dir, 'my-repo', 'src', 'deep', 'a.ts')), 'my-repo/src/deep/a.ts');
    assert.equal(keys.keyForPath(path.join(dir, 'my-repo', 'src', 'deep', 'b.ts')), 'my-repo/src/deep/b.ts');
    assert.equal(keys.keyForPath(path.join(dir, 'my-repo', 'src')), 'my-repo/src');
    assert.equal(keys.keyForPath(path.join(dir, 'my-repo')), 'my-repo');
    assert.equal(keys.keyForPath(path.join(dir, 'loose', 'x.txt')), path.join(dir, 'loose', 'x.txt'));
    // Asked again after every board change: each path is keyed once.
    const before = lookups;
    for (let i = 0; i < 100; i++) keys.keyForPath(path.join(dir, 'my-repo', 'src', 'deep', 'a.ts'));
    assert.equal(lookups, before);
    assert.equal(keys.pathForKey('my-repo/src/**'), path.join(dir, 'my-repo', 'src'));
  });

  it('keys a workspace opened through a symlink (or under another folder name) as the CLI does', () => {
    const link = path.join(dir, 'code-link');
    fs.symlinkSync(dir, link);
    const renamed = path.join(dir, 'renamed-checkout');
    fs.symlinkSync(path.join(dir, 'my-repo'), renamed);
    const keys = new PathKeys(fileKeyAndRepo);
    assert.equal(keys.keyForPath(path.join(link, 'my-repo', 'src', 'deep', 'a.ts')), 'my-repo/src/deep/a.ts');
    assert.equal(keys.keyForPath(path.join(renamed, 'src', 'new-file.ts')), 'my-repo/src/new-file.ts');
    assert.equal(keys.keyForPath(renamed), 'my-repo');
  });

  it('finds the literal folder of a glob', () => {
    assert.equal(literalPrefix('repo/src/**'), 'repo/src');
    assert.equal(literalPrefix('repo/src/*.ts'), 'repo/src');
    assert.equal(literalPrefix('repo/{a,b}/x'), 'repo');
    assert.equal(literalPrefix('**/*.lock'), '');
    assert.equal(literalPrefix('infra:prod'), 'infra:prod');
  });
});
