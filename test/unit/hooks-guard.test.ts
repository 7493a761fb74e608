import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { conflictsFor, denyReason, type WriteTarget } from '../../src/claude/write-targets';
import { heartbeatDue } from '../../src/claude/hook-runner';
import { claimCovers, headsMayOverlap } from '../../src/core/overlap';
import type { Claim } from '../../src/core/model';

const t0 = new Date('2026-04-27T19:00:00');
function claim(path: string, session = 'session-a', extra: Partial<Claim> = {}): Claim {
  return { session, path, started: t0, eta: new Date(t0.getTime() + 45 * 60_000), expires: new Date(t0.getTime() + 3600_000), leaseDerived: false, mode: 'exclusive', line: 1, ...extra };
}
function target(key: string, how = 'Edit'): WriteTarget {
  return { key, shown: key, how, autoClaim: false };
}

describe('hook guard decisions', () => {
  it('the guard finds exactly the claims some path could share with a target, checked against brute force (property)', () => {
    // The oracle: enumerate concrete paths below the target (up to 3 more folders) and ask the
    // compiled matcher whether both cover one. The guard's segment search must agree when the
    // target is a plain key, and never miss one when both are patterns.
    const names = ['repo', 'src', 'a.ts', 'lib', 'b', '2'];
    const seg = fc.constantFrom(...names, '*', '**', '*.ts', '{a,b}', '{src,lib}', 'a*', '{1..3}', '{src/lib,b}');
    const key = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    const literal = fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    const below = (base: string, depth: number): string[] => (depth === 0 ? [base] : [base, ...names.flatMap((n) => below(`${base}/${n}`, depth - 1))]);
    fc.assert(
      fc.property(fc.oneof(literal, key), fc.array(key, { maxLength: 6 }), (t, claimKeys) => {
        const claims = claimKeys.map((k, i) => claim(k, 'session-a', { line: i + 1 }));
        const got = conflictsFor([target(t)], claims, 'session-b').map((h) => h.holder.line);
        const universe = /[*{]/.test(t) ? below('repo', 3).concat(below('src', 2)) : below(t, 3);
        const shared = claims.filter((c) => universe.some((p) => claimCovers(t, p) && claimCovers(c.path, p))).map((c) => c.line);
        if (/[*{]/.test(t)) for (const line of shared) assert.ok(got.includes(line), `${t} and ${claimKeys[line - 1]} share a path`);
        else assert.deepEqual(got, shared, t);
        // The board read's shortcut (literal heads) never drops a claim the guard would find.
        for (const line of got) assert.ok(headsMayOverlap(t, claimKeys[line - 1]));
      }),
      { numRuns: 300 },
    );
  });

  it('an edited file meets only the claims that cover it: nothing lies below a file', () => {
    const claims = [claim('repo/**/*.test.ts', 'session-a', { line: 1 }), claim('repo/src/*', 'session-a', { line: 2 })];
    const edit: WriteTarget = { key: 'repo/src/a.ts', shown: 'src/a.ts', how: 'Edit', autoClaim: true, file: true };
    assert.deepEqual(conflictsFor([edit], claims, 'session-b').map((h) => h.holder.line), [2]);
    assert.deepEqual(conflictsFor([{ ...edit, file: false }], claims, 'session-b').map((h) => h.holder.line), [1, 2], 'a folder of that name could hold test files');
  });

  it("ignores the session's own claims; infra keys compare without case and only against infra claims", () => {
    const claims = [claim('repo/src/**', 'session-b'), claim('infra:Homelab-Prod', 'session-a', { line: 2 }), claim('homelab-prod', 'session-a', { line: 3 })];
    assert.deepEqual(conflictsFor([target('repo/src/a.ts')], claims, 'session-b'), []);
    const hits = conflictsFor([target('infra:homelab-prod', 'terraform apply')], claims, 'session-b');
    assert.deepEqual(hits.map((h) => h.holder.line), [2]);
  });

  it('the deny reason names the path, the holder, the claim, the ETA, the lease and what to do', () => {
    const reason = denyReason([{ target: { key: 'repo/src/a.ts', shown: '/w/repo/src/a.ts', how: 'sed -i', autoClaim: false }, holder: claim('repo/src/**') }], 'session-b', t0);
    assert.match(reason, /^\/w\/repo\/src\/a\.ts \(written by `sed -i`\) is claimed by session-a \(claim: repo\/src\/\*\*, eta 19:45, lease until 20:00\)\./);
    assert.match(reason, /you are session-b/);
    assert.match(reason, /claimboard claim repo\/src\/a\.ts --wait 30m/, 'waiting is for the path it needs, not the whole claim');
    assert.match(reason, /claimboard ask/);
  });

  it('heartbeat is due only when the freshest lease was set a minute ago or more', () => {
    const ttl = 60 * 60_000;
    const fresh = claim('x', 'a', { expires: new Date(t0.getTime() + ttl - 30_000) });
    const old = claim('y', 'a', { expires: new Date(t0.getTime() + ttl - 61_000) });
    assert.equal(heartbeatDue([old], t0), true);
    assert.equal(heartbeatDue([old, fresh], t0), false);
    assert.equal(heartbeatDue([], t0), false, 'nothing to renew');
  });

  it('heartbeat measures each claim by its own lease length, and renews a lease that would end before the next one', () => {
    // A 2h claim set 30 s ago is fresh, whatever the default TTL.
    const long = claim('x', 'a', { expires: new Date(t0.getTime() + 2 * 3_600_000 - 30_000), ttlMs: 2 * 3_600_000 });
    assert.equal(heartbeatDue([long], t0), false);
    const short = claim('y', 'a', { expires: new Date(t0.getTime() + 3_000), ttlMs: 4_000 });
    assert.equal(heartbeatDue([short], t0), true);
  });
});
