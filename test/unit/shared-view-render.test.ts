/**
 * A write to the shared store rewrites this machine's markdown view. When nobody touched the
 * view since claimboard wrote it, only the claim lines that changed are written again: the
 * text must be the whole render's, byte for byte, whatever the changes were.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Claim, Release, SessionRecord } from '../../src/core/model';
import { readLastSharedView, writeSharedView } from '../../src/core/claim-store';
import { renderSharedView, type RenderCounts, type SharedBoardState } from '../../src/core/shared-view';
import { tempDir } from '../support/cli';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const WHERE = 'the shared store postgres://me@db/claims (board default)';

/** One step of the store's life: claims granted, released, renewed or changed; releases, notes and sessions as they come. */
interface Step {
  grant: number;
  release: number[];
  renew: number[];
  reason: number[];
  releases: number;
  note: boolean;
  session: boolean;
}

const step = fc.record({
  grant: fc.nat(4),
  release: fc.array(fc.nat(40), { maxLength: 3 }),
  renew: fc.array(fc.nat(40), { maxLength: 3 }),
  reason: fc.array(fc.nat(40), { maxLength: 2 }),
  releases: fc.nat(2),
  note: fc.boolean(),
  session: fc.boolean(),
});

/** The states a store goes through, claims in fencing order as the store reads them. */
function states(start: number, steps: Step[]): SharedBoardState[] {
  let fence = 0;
  let claims: (Claim & { fence: number })[] = [];
  const releases: Release[] = [];
  const notes: string[] = [];
  const sessions: SessionRecord[] = [];
  const out: SharedBoardState[] = [];
  let at = T0;
  const grant = (): void => {
    fence++;
    const started = new Date(at);
    claims.push({
      id: `c${fence}`,
      session: `session-${fence % 3}`,
      path: `repo/src/m${fence % 5}/f${fence}.ts`,
      started,
      eta: new Date(at + 30 * 60_000),
      expires: new Date(at + 3_600_000),
      ttlMs: 3_600_000,
      mode: fence % 4 === 0 ? 'shared' : 'exclusive',
      reason: fence % 2 ? 'the parser' : undefined,
      line: 0,
      leaseDerived: false,
      fence,
    });
  };
  for (let i = 0; i < start; i++) grant();
  const push = (): void => {
    out.push({
      where: WHERE,
      at: new Date(at),
      claims: claims.map((c) => ({ ...c })),
      releases: [...releases].slice(0, 10),
      notes: notes.map((text) => ({ text, line: 0 })),
      sessions: sessions.map((s) => ({ ...s })),
    });
  };
  push();
  for (const s of steps) {
    at += 61_000;
    const gone = new Set(s.release.map((i) => claims[i % Math.max(1, claims.length)]?.id));
    for (const c of claims.filter((x) => gone.has(x.id))) releases.unshift({ at: new Date(at), session: c.session, path: c.path, outcome: 'done', line: 0 });
    claims = claims.filter((c) => !gone.has(c.id));
    for (const i of s.renew) {
      const c = claims[i % Math.max(1, claims.length)];
      if (c) c.expires = new Date(at + 3_600_000);
    }
    for (const i of s.reason) {
      const c = claims[i % Math.max(1, claims.length)];
      if (c) c.reason = `step ${at}`;
    }
    for (let i = 0; i < s.grant; i++) grant();
    for (let i = 0; i < s.releases; i++) releases.unshift({ at: new Date(at), session: 'session-x', path: `repo/old/${at}-${i}.ts`, outcome: 'done', line: 0 });
    if (s.note) notes.push(`note ${at}`);
    if (s.session) sessions.push({ name: `session-${sessions.length + 3}`, started: new Date(at), repo: 'repo', task: 'work', line: 0 });
    push();
  }
  return out;
}

describe('the shared view, rewritten after a write', function () {
  this.timeout(120_000);

  it('writes only the claim lines that changed, and the text is the whole render’s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(30), fc.array(step, { minLength: 1, maxLength: 8 }), async (start, steps) => {
        const board = path.join(tempDir('shared-view-render-'), 'coordination.md');
        const all = states(start, steps);
        for (const [i, state] of all.entries()) {
          const existing = fs.existsSync(board) ? fs.readFileSync(board, 'utf8') : undefined;
          const last = readLastSharedView(board);
          const written = { claims: last?.claims ?? [], notes: last?.notes ?? [] };
          const whole = renderSharedView(existing, state, written);
          const counts: RenderCounts = { claimLines: 0 };
          const changed = renderSharedView(existing, state, written, last?.claims, counts);
          assert.equal(changed, whole, `step ${i}`);
          const before = all[i - 1];
          if (existing !== undefined && before && before.claims.length > 0 && state.claims.length > 0) {
            const kept = new Map(before.claims.map((c) => [c.id, JSON.stringify(c)]));
            const fresh = state.claims.filter((c) => kept.get(c.id) !== JSON.stringify(c)).length;
            assert.equal(counts.claimLines, fresh, `step ${i}: only the ${fresh} new or changed claim lines are written`);
          }
          await writeSharedView(board, state);
          const now = fs.readFileSync(board, 'utf8');
          // Only a change is written: a render that differs in its stamp alone leaves the file.
          const stampless = (t: string): string => t.replace(/^\s*Last updated:.*$/im, '');
          assert.equal(now, existing !== undefined && stampless(existing) === stampless(whole) ? existing : whole, `step ${i}: the file`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a view a person edited is rendered whole: what they added stays, and it is the whole render’s', async () => {
    const board = path.join(tempDir('shared-view-render-'), 'coordination.md');
    const [first, second] = states(5, [{ grant: 1, release: [0], renew: [1], reason: [], releases: 0, note: false, session: false }]);
    await writeSharedView(board, first!);
    const text = fs.readFileSync(board, 'utf8').replace('## Active claims\n\n', '## Active claims\n\nAsk before taking the parser.\n\n');
    fs.writeFileSync(board, text);
    const last = readLastSharedView(board)!;
    const counts: RenderCounts = { claimLines: 0 };
    const whole = renderSharedView(text, second!, { claims: last.claims, notes: last.notes }, undefined, counts);
    await writeSharedView(board, second!);
    assert.equal(fs.readFileSync(board, 'utf8'), whole);
    assert.match(whole, /Ask before taking the parser\./);
    assert.equal(counts.claimLines, second!.claims.length);
  });
});
