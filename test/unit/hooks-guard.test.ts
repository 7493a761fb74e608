import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { conflictsFor, denyReason, type WriteTarget } from '../../src/claude/write-targets';
import { heartbeatDue } from '../../src/claude/hook-runner';
import { claimsOverlap } from '../../src/core/overlap';
import type { Claim } from '../../src/core/model';

const t0 = new Date('2026-04-27T19:00:00');
function claim(path: string, session = 'session-a', extra: Partial<Claim> = {}): Claim {
  return { session, path, started: t0, eta: new Date(t0.getTime() + 45 * 60_000), expires: new Date(t0.getTime() + 3600_000), leaseDerived: false, mode: 'exclusive', line: 1, ...extra };
}
function target(key: string, how = 'Edit'): WriteTarget {
  return { key, shown: key, how, autoClaim: false };
}

describe('hook guard decisions', () => {
  it('the literal-prefix shortcut finds exactly what the full overlap test finds (property)', () => {
    const seg = fc.constantFrom('repo', 'src', 'a.ts', 'lib', '*', '**', '*.ts', 'b', '{a,b}');
    const key = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(key, fc.array(key, { maxLength: 12 }), (t, claimKeys) => {
        const claims = claimKeys.map((k, i) => claim(k, 'session-a', { line: i + 1 }));
        const got = conflictsFor([target(t)], claims, 'session-b').map((h) => h.holder.line);
        const want = claims.filter((c) => claimsOverlap(t, c.path)).map((c) => c.line);
        assert.deepEqual(got, want);
      }),
      { numRuns: 1500 },
    );
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
