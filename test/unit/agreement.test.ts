/**
 * One answer everywhere: for generated claims (globs, brace patterns and ranges, `infra:` keys
 * in any case, repository names in any case) and files spelled every way a machine has (main
 * worktree, linked worktree, a symlinked checkout, a repository with a folder of its own name),
 * the claim service (CLI), the hook guard, the git guard and the editor's key function and index
 * say the same thing: the same key, and the same "held or free".
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ClaimService } from '../../src/core/claim-service';
import { must } from '../../src/core/errors';
import { ClaimIndex } from '../../src/core/matcher';
import { fileKeyAndRepo, resolvePathKey } from '../../src/core/path-key';
import { conflictsFor, writeTargets, type WriteTarget } from '../../src/claude/write-targets';
import { stagedKeys } from '../../src/git/pre-commit';
import { PathKeys } from '../../src/extension/path-keys';
import { tempDir } from '../support/cli';

describe('every adapter answers alike (properties)', function () {
  this.timeout(300_000);
  let dir: string;
  let link: string;
  const files = ['src/a.ts', 'src/lib/b.ts', 'docs/readme.md', 'n/500'];

  before(() => {
    dir = fs.realpathSync(tempDir('cb-agree-'));
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
    for (const repo of ['app', 'pyproj']) {
      const root = path.join(dir, repo);
      for (const f of [...files, 'pyproj/core.py']) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), 'x\n');
      }
      git(root, 'init', '-q');
      git(root, 'add', '.');
      git(root, 'commit', '-qm', 'init');
    }
    git(path.join(dir, 'app'), 'worktree', 'add', '-q', path.join(dir, 'app-feature'));
    link = path.join(dir, 'code-link');
    fs.symlinkSync(dir, link);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const caseOf = (name: string) => fc.constantFrom(name, name.toUpperCase(), name.charAt(0).toUpperCase() + name.slice(1));
  const folder = fc.constantFrom('src', 'docs', 'lib', 'n', 'pyproj', '*', '**', '{src,docs}', '{src/lib,docs}', '{n,src}');
  const leaf = fc.constantFrom('a.ts', 'b.ts', 'readme.md', 'core.py', '500', '*.ts', '{a,b}.ts', '*', '**', '{1..1000}', '{1..499}', '{a.ts,readme.md}');
  const claimKey = fc
    .tuple(fc.oneof(caseOf('app'), caseOf('pyproj')), fc.array(folder, { maxLength: 2 }), fc.option(leaf, { nil: undefined }))
    .map(([repo, folders, last]) => [repo, ...folders, ...(last ? [last] : [])].join('/'));
  /** A file and how it is reached: the worktree it is edited in, through the real folders or the symlink. */
  const file = fc.record({
    repo: fc.constantFrom('app', 'app-feature', 'pyproj'),
    rel: fc.constantFrom(...files, 'pyproj/core.py', 'src/new-file.ts'),
    via: fc.constantFrom(
      () => dir,
      () => link,
    ),
  });

  async function heldBy(board: string, claim: string): Promise<ClaimService> {
    fs.rmSync(board, { force: true });
    const svc = new ClaimService({ boardPath: board });
    const r = await svc.claim('session-a', { paths: [claim] });
    assert.equal(r.granted.length, 1);
    return svc;
  }

  it('file keys and conflicts: service, hook guard, git guard and editor agree', async () => {
    const board = path.join(dir, 'board.md');
    await fc.assert(
      fc.asyncProperty(claimKey, file, async (claim, f) => {
        const svc = await heldBy(board, claim);
        const worktree = path.join(f.via(), f.repo);
        const abs = path.join(worktree, f.rel);
        // The CLI, from inside the worktree and from elsewhere, resolves what was typed.
        const cliKey = resolvePathKey(abs, f.via());
        const cliRelKey = resolvePathKey(f.rel, worktree);
        // The hook, for an Edit of that file.
        const targets: WriteTarget[] = await writeTargets('Edit', { file_path: abs, old_string: 'a', new_string: 'b' }, worktree, {});
        // The git guard, for that file staged.
        const gitKey = must(stagedKeys(worktree, [f.rel])[0], 'the staged key');
        // The editor, for that file opened in a workspace reached through the same path.
        const editorKey = new PathKeys(fileKeyAndRepo).keyForPath(abs);
        assert.deepEqual([cliRelKey, targets[0]?.key, gitKey, editorKey], [cliKey, cliKey, cliKey, cliKey]);

        const claims = svc.status().claims;
        // A file: only claims covering it are in the way (the CLI knows an existing file as one).
        const service = svc.check('session-b', [cliKey], 'exclusive', { files: [cliKey] }).length > 0;
        const hook = conflictsFor(targets, claims, 'session-b').length > 0;
        const guard = svc.check('session-b', [gitKey], 'exclusive', { files: [gitKey] }).length > 0;
        // Asked as a key that may be a folder, the answer can only grow.
        if (service) assert.ok(svc.check('session-b', [cliKey]).length > 0);
        const editor = new ClaimIndex(claims).covering(editorKey).length > 0;
        assert.deepEqual({ hook, guard, editor }, { hook: service, guard: service, editor: service }, `${claim} against ${cliKey}`);
      }),
      { numRuns: 250 },
    );
  });

  it('infra: keys in any case: service, hook guard and editor index agree, and are held', async () => {
    const board = path.join(dir, 'board-infra.md');
    const infra = fc
      .tuple(fc.constantFrom('infra:', 'INFRA:', 'Infra:'), fc.constantFrom('homelab-prod', 'Homelab-Prod', 'HOMELAB-PROD', 'homelab-*', 'Homelab-{Prod,Dev}', 'other'))
      .map(([a, b]) => a + b);
    await fc.assert(
      fc.asyncProperty(infra, infra, async (claim, asked) => {
        const svc = await heldBy(board, claim);
        const key = resolvePathKey(asked, dir);
        const claims = svc.status().claims;
        const service = svc.check('session-b', [key]).length > 0;
        const hook = conflictsFor([{ key, shown: key, how: 'terraform apply', autoClaim: false }], claims, 'session-b').length > 0;
        // The editor asks about files, not patterns: a pattern asked is for the other two.
        const editor = /[*{]/.test(asked) ? service : new ClaimIndex(claims).covering(key).length > 0;
        const expected = /other/.test(claim) === /other/.test(asked);
        assert.deepEqual({ service, hook, editor }, { service: expected, hook: expected, editor: expected }, `${claim} against ${asked}`);
      }),
      { numRuns: 150 },
    );
  });
});
