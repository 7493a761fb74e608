import { strict as assert } from 'node:assert';
import micromatch from 'micromatch';
import fc from 'fast-check';
import { claimsOverlap, claimCovers } from '../../src/core/overlap';
import { ClaimIndex } from '../../src/core/matcher';

describe('claim overlap', () => {
  const cases: [string, string, boolean][] = [
    ['repo/src/**', 'repo/src/a/*.ts', true],
    ['repo/a/*', 'repo/b/*', false],
    ['repo/src', 'repo/src/x.ts', true],
    ['repo/src', 'repo/srcs/x.ts', false],
    ['repo/*.ts', 'repo/*.js', false],
    ['repo/**', 'other/x', false],
    ['infra:homelab-prod', 'infra:homelab-prod', true],
    ['infra:homelab-prod', 'infra:homelab-staging', false],
    ['repo/{a,b}/x', 'repo/b/*', true],
    ['repo/{a,c}/x', 'repo/b/*', false],
    ['home_k3s_cluster/kubernetes/apps/longhorn/*', 'home_k3s_cluster/kubernetes/apps/longhorn/sub/values.yaml', true],
    ['repo/a*', 'repo/b*', false],
    ['repo/**/test', 'repo/src/**', true],
    ['repo/src/', 'repo/src/a', true],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} vs ${b}: ${want ? 'overlap' : 'disjoint'} (both ways)`, () => {
      assert.equal(claimsOverlap(a, b), want);
      assert.equal(claimsOverlap(b, a), want);
    });
  }

  it('a folder claim covers everything below it; a glob covers what it matches and below', () => {
    assert.ok(claimCovers('repo/src', 'repo/src/deep/x.ts'));
    assert.ok(!claimCovers('repo/src', 'repo/srcx'));
    assert.ok(claimCovers('repo/a/*', 'repo/a/b/c.ts'));
    assert.ok(claimCovers('repo/*.md', 'repo/README.md'));
    assert.ok(!claimCovers('repo/*.md', 'repo/docs/x.md'));
    assert.ok(claimCovers('repo/**', 'repo/.env'), 'dotfiles are covered too');
  });

  it('is never wrong when it says two literal paths are disjoint (property)', () => {
    const seg = fc.constantFrom('a', 'b', 'src', 'x.ts', 'y.js');
    const pathArb = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => `repo/${s.join('/')}`);
    const globArb = fc.array(fc.constantFrom('a', 'b', 'src', '*', '**', '*.ts', 'x*'), { minLength: 1, maxLength: 4 }).map((s) => `repo/${s.join('/')}`);
    fc.assert(
      fc.property(globArb, globArb, pathArb, (g1, g2, p) => {
        // A path both claims cover proves they overlap.
        if (claimCovers(g1, p) && claimCovers(g2, p)) assert.ok(claimsOverlap(g1, g2), `${g1} / ${g2} both cover ${p}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ClaimIndex', () => {
  const claims = [{ path: 'repo/src/**' }, { path: 'repo/docs' }, { path: 'repo/*.md' }, { path: 'other/x/*' }, { path: 'infra:homelab-prod' }, { path: '/etc/nginx' }, { path: 'repo/**/*.test.ts' }];
  const index = new ClaimIndex(claims);

  it('finds every claim that covers a path, and only those', () => {
    const paths = [
      'repo/src/a.ts',
      'repo/docs/x/y',
      'repo/README.md',
      'repo/lib/a.ts',
      'repo/lib/a.test.ts',
      'other/x/y/z',
      'repo',
      'infra:homelab-prod',
      '/etc/nginx/nginx.conf',
      '/etc/other',
      'repo/src',
    ];
    for (const p of paths) {
      const want = claims
        .filter((c) => claimCovers(c.path, p))
        .map((c) => c.path)
        .sort();
      assert.deepEqual(
        index
          .covering(p)
          .map((c) => c.path)
          .sort(),
        want,
        p,
      );
    }
  });

  it('agrees with micromatch on generated paths and claims (property)', () => {
    const seg = fc.constantFrom('a', 'b', 'src', 'x.ts', 'y.js', '.env');
    const pathArb = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => `r/${s.join('/')}`);
    const claimArb = fc.array(fc.constantFrom('a', 'b', 'src', '*', '**', '*.ts', 'x*'), { minLength: 1, maxLength: 4 }).map((s) => ({ path: `r/${s.join('/')}` }));
    fc.assert(
      fc.property(fc.array(claimArb, { maxLength: 8 }), pathArb, (cs, p) => {
        const idx = new ClaimIndex(cs);
        const want = cs.filter((c) => micromatch.isMatch(p, [c.path, `${c.path}/**`], { dot: true }) || p === c.path);
        assert.deepEqual(new Set(idx.covering(p)), new Set(want));
      }),
      { numRuns: 1000 },
    );
  });
});
