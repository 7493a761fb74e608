import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { conflictsFor, denyReason, type WriteTarget } from '../../src/claude/write-targets';
import { heartbeatDue } from '../../src/claude/hook-runner';
import { claimCovers, headsMayOverlap, matchHead, normalizeKey } from '../../src/core/overlap';
import { BoardDocument } from '../../src/core/board-format';
import { must } from '../../src/core/errors';
import { claimLineMayMeet } from '../../src/core/board-lines';
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
        for (const line of got) assert.ok(headsMayOverlap(t, must(claimKeys[line - 1], 'the claim key')));
      }),
      { numRuns: 300 },
    );
  });

  it("the board read's line pre-filter never drops a claim the literal heads keep, on tool-written and hand-written lines (property)", () => {
    // Case, widened patterns (past the limits), infra keys, trailing slashes, `./`, absolute
    // paths, backticks, lists, remarks, other dashes and non-ASCII all change the key a line is
    // read as; the pre-filter must answer true for every line whose claim the heads would keep.
    const seg = fc.constantFrom('repo', 'Repo', 'REPO', 'src', 'Src', 'a.ts', 'b', 'ab', '*', '**', '*.ts', '{a,b}', 'a*b*c*d*e', 'x{1..2000}', 'é', 'infra:Homelab', '.', '');
    const written = fc.tuple(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.constantFrom('', './', '/', '`', ', repo/b', ' (main file)', '/', ' ')).map(([parts, form]) => {
      const p = parts.join('/');
      if (form === '`') return `\`${p}\``;
      if (form === './' || form === '/') return `${form}${p}`;
      return `${p}${form}`;
    });
    const session = fc.constantFrom('session-a', 'session-b', 'Session-a', 'session-a--x');
    const line = fc
      .tuple(
        session,
        written,
        fc.constantFrom(' (started 19:15) — ', ' — ', ' -- ', ' (started 19:15) – ', '(x) — ', ' ( started ) — ', '\t— '),
        fc.constantFrom(' — eta ? — lease until 2026-04-27T20:00+00:00', '', ' – eta 20:00', ' — shared'),
      )
      .map(([s, p, sep, tail]) => `- ${s}${sep}${p}${tail}`);
    const key = fc
      .array(seg, { minLength: 1, maxLength: 3 })
      .map((s) => normalizeKey(s.join('/')))
      .filter((k) => k !== '');
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.array(key, { maxLength: 3 }), fc.option(session, { nil: undefined }), (lines, keys, asker) => {
        const text = `# Claude Session Coordination Board\n\nLast updated: 2026-04-27T19:00+00:00\n\n## Active claims\n\n${lines.join('\n')}\n`;
        const keep = (s: string, p: string) => s === asker || keys.some((k) => headsMayOverlap(k, p));
        const heads = keys.map(matchHead);
        const all = BoardDocument.parse(text)
          .claimsWhere(keep)
          .map((c) => c.line);
        const filtered = BoardDocument.parse(text)
          .claimsWhere(keep, (body) => claimLineMayMeet(body, asker, heads))
          .map((c) => c.line);
        assert.deepEqual(filtered, all, `${keys.join(' ')} / ${asker}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('the line pre-filter skips the lines the tool writes whose holder and head meet nothing asked', () => {
    const body = 'session-a (started 19:15) — repo3/src/mod3/** — eta ? — lease until 2026-04-27T20:00+00:00';
    assert.equal(claimLineMayMeet(body, 'session-z', [matchHead('repo8/src/a.ts')]), false);
    assert.equal(claimLineMayMeet(body, 'session-a', [matchHead('repo8/src/a.ts')]), true, "the asking session's own claims are kept");
    assert.equal(claimLineMayMeet(body, 'session-z', [matchHead('REPO3/src/mod3/x.ts')]), true);
    assert.equal(claimLineMayMeet(body, 'session-z', [matchHead('repo3/src')]), true);
  });

  it('an edited file meets only the claims that cover it: nothing lies below a file', () => {
    const claims = [claim('repo/**/*.test.ts', 'session-a', { line: 1 }), claim('repo/src/*', 'session-a', { line: 2 })];
    const edit: WriteTarget = { key: 'repo/src/a.ts', shown: 'src/a.ts', how: 'Edit', autoClaim: true, file: true };
    assert.deepEqual(
      conflictsFor([edit], claims, 'session-b').map((h) => h.holder.line),
      [2],
    );
    assert.deepEqual(
      conflictsFor([{ ...edit, file: false }], claims, 'session-b').map((h) => h.holder.line),
      [1, 2],
      'a folder of that name could hold test files',
    );
  });

  it("ignores the session's own claims; infra keys compare without case and only against infra claims", () => {
    const claims = [claim('repo/src/**', 'session-b'), claim('infra:Homelab-Prod', 'session-a', { line: 2 }), claim('homelab-prod', 'session-a', { line: 3 })];
    assert.deepEqual(conflictsFor([target('repo/src/a.ts')], claims, 'session-b'), []);
    const hits = conflictsFor([target('infra:homelab-prod', 'terraform apply')], claims, 'session-b');
    assert.deepEqual(
      hits.map((h) => h.holder.line),
      [2],
    );
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
    const short = claim('y', 'a', { expires: new Date(t0.getTime() + 1_500), ttlMs: 4_000 });
    assert.equal(heartbeatDue([short], t0), true, 'past half its length');
  });

  it('a lease shorter than a minute is renewed past half its length, not on every tool call', () => {
    const justSet = claim('x', 'a', { expires: new Date(t0.getTime() + 28_000), ttlMs: 30_000 });
    assert.equal(heartbeatDue([justSet], t0), false, 'set 2 s ago: no board write');
    const halfGone = claim('x', 'a', { expires: new Date(t0.getTime() + 14_000), ttlMs: 30_000 });
    assert.equal(heartbeatDue([halfGone], t0), true);
  });
});
