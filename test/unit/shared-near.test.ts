/**
 * A hot read over the shared store (liveFromRow, what `near` and `check` make of a LIVE_READ
 * row, through the store holder or directly) keeps the same claims as the board file's `near`:
 * the session's own and those that could touch the paths (the core's `mayTouch`), and decodes
 * only those.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClaimService, type Conflict } from '../../src/core/claim-service';
import { FileClaimStore } from '../../src/core/claim-store';
import type { Claim } from '../../src/core/model';
import { checkFromRow, liveFromRow, type LiveRow } from '../../src/store-pg/reads';

/** The board's live claims as a LIVE_READ row carries them (times as text, as PostgreSQL's json does). */
function rowOf(claims: readonly Claim[], now: Date): LiveRow {
  return {
    version: 1,
    now: now.toISOString(),
    claims: claims.map((c, i) => ({
      id: c.id ?? `c${i}`,
      session: c.session,
      path: c.path,
      started: c.started.toISOString(),
      eta: c.eta ? c.eta.toISOString() : null,
      expires: c.expires.toISOString(),
      ttl_ms: c.ttlMs ?? null,
      mode: c.mode ?? 'exclusive',
      reason: c.reason ?? null,
      pid: null,
      host: null,
      forced_from: null,
      extras: null,
      fence: i + 1,
    })),
    sessions: [],
  };
}

const shape = (claims: readonly Claim[]): string[] => claims.map((c) => `${c.session} ${c.path}`).sort();
const conflictShape = (cs: readonly Conflict[]): string[] => cs.map((c) => `${c.path} held by ${c.holder.session} as ${c.holder.path} (${c.relation})`).sort();

describe('a hot read over the shared store keeps what the board file reads', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-shared-near-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the claims that could touch the paths and the asking session own, the same as the board file, and check agrees', async () => {
    const boardPath = path.join(dir, 'coordination.md');
    const store = new FileClaimStore({ boardPath });
    await store.claim('session-a', { paths: ['repo/src/a.ts', 'repo/docs/**', 'infra:prod'] });
    await store.claim('session-b', { paths: ['repo/tests/**/*.test.ts', 'repo/lib/', 'other/x.ts'] });
    await store.claim('session-c', { paths: ['repo/*.md', 'repo/src/b.ts'], mode: 'shared' });
    await store.claim('session-d', { paths: ['Repo/src/c.ts', 'repo/src/deep/nested/file.ts'] });
    const now = new Date();
    const all = (await store.status()).claims;
    assert.equal(all.length, 10);
    const row = rowOf(all, now);
    const rules = new ClaimService({ boardPath });
    const asked: [string[], string | undefined][] = [
      [['repo/src/a.ts'], undefined],
      [['repo/src/a.ts'], 'session-b'],
      [['repo/tests/unit/x.test.ts', 'infra:prod'], 'session-c'],
      [['repo/docs/guide/intro.md'], 'session-d'],
      [['repo/lib/util/x.ts'], 'session-a'],
      [['repo/src/**'], undefined],
      [['elsewhere/z.ts'], undefined],
      [[], 'session-b'],
      [[], undefined],
    ];
    for (const [keys, session] of asked) {
      const fromRow = liveFromRow(rules, row, keys, session).claims;
      assert.deepEqual(shape(fromRow), shape((await store.near(keys, session)).claims), `${keys.join(', ')} for ${session}`);
      assert.deepEqual(conflictShape(checkFromRow(rules, row, session, keys, 'exclusive')), conflictShape(await store.check(session, keys)), `check ${keys.join(', ')} for ${session}`);
    }
    assert.deepEqual(conflictShape(checkFromRow(rules, row, undefined, ['repo/src/a.ts'], 'exclusive')), ['repo/src/a.ts held by session-a as repo/src/a.ts (same)']);
    // Only what could touch is decoded: a path no claim's head meets reads no claim at all.
    assert.deepEqual(liveFromRow(rules, row, ['elsewhere/z.ts'], undefined).claims, []);
    assert.deepEqual(shape(liveFromRow(rules, row, [], 'session-b').claims), ['session-b other/x.ts', 'session-b repo/lib', 'session-b repo/tests/**/*.test.ts']);
  });
});
