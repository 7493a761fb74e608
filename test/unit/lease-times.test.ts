/**
 * Times on a claim line read back as the minute they were written, in any zone: across
 * midnight, several days ahead, and in the hour a clock goes back (01:30 happens twice).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { BoardDocument } from '../../src/core/board-format';
import { must } from '../../src/core/errors';
import { ClaimService } from '../../src/core/claim-service';
import { parseEta } from '../../src/core/duration';

const LEASE_MAX_MS = 7 * 86_400_000;
import type { BoardEvent } from '../../src/core/model';
import { announcementsFor } from '../../src/announce/messages';
import { tempDir } from '../support/cli';

const minute = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 60_000) : undefined);

function inZone<T>(tz: string, fn: () => T): T {
  const was = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (was === undefined) delete process.env.TZ;
    else process.env.TZ = was;
  }
}

async function inZoneAsync<T>(tz: string, fn: () => Promise<T>): Promise<T> {
  const was = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await fn();
  } finally {
    if (was === undefined) delete process.env.TZ;
    else process.env.TZ = was;
  }
}

describe('lease times', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('in New York, claims made in either 1 a.m. hour of the autumn change read back at their start and ETA', async () => {
    await inZoneAsync('America/New_York', async () => {
      // 2026-11-01: 01:00–01:59 EDT is 05:00–05:59Z, then 01:00–01:59 EST is 06:00–06:59Z.
      for (const iso of ['2026-11-01T05:05:00Z', '2026-11-01T05:40:00Z', '2026-11-01T06:20:00Z', '2026-11-01T04:50:00Z']) {
        const now = new Date(iso);
        const board = path.join(dir, `b-${now.getTime()}.md`);
        const s = new ClaimService({ boardPath: board, now: () => now });
        const eta = new Date(now.getTime() + 45 * 60_000);
        await s.claim('session-a', { paths: ['repo/x'], eta });
        await s.claim('session-a', { paths: ['repo/y'] });
        const byPath = new Map(s.status().claims.map((c) => [c.path, c]));
        for (const p of ['repo/x', 'repo/y']) {
          const c = byPath.get(p)!;
          assert.equal(minute(c.started), minute(now), `${iso} ${p}: start ${c.started.toISOString()}`);
        }
        assert.equal(minute(byPath.get('repo/x')!.eta), minute(eta), `${iso}: eta ${byPath.get('repo/x')!.eta?.toISOString()}`);
        assert.equal(minute(byPath.get('repo/y')!.eta), minute(new Date(now.getTime() + 30 * 60_000)), `${iso}: default eta`);
      }
    });
  });

  it('a typed 01:30 on the night the clock goes back is the next 01:30, whichever hour it is', () => {
    inZone('America/New_York', () => {
      assert.equal(parseEta('01:30', new Date('2026-11-01T05:10:00Z')).toISOString(), '2026-11-01T05:30:00.000Z', 'the first 01:30 (EDT)');
      assert.equal(parseEta('01:30', new Date('2026-11-01T05:40:00Z')).toISOString(), '2026-11-01T06:30:00.000Z', 'the second 01:30 (EST)');
    });
  });

  it('property: start, ETA and lease written by the tool read back to the minute, in any zone', () => {
    const zones = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham'];
    const from = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 365 * 24 * 60 }),
        fc.integer({ min: 1, max: LEASE_MAX_MS / 60_000 }),
        fc.integer({ min: 0, max: LEASE_MAX_MS / 60_000 }),
        (tz, startMin, etaMin, leaseMin) =>
          inZone(tz, () => {
            const started = new Date(from + startMin * 60_000 + 17_000);
            const eta = new Date(started.getTime() + etaMin * 60_000);
            const expires = new Date(Math.max(started.getTime() + leaseMin * 60_000, eta.getTime()) + 1_000);
            const doc = BoardDocument.create(started);
            doc.addClaims([{ session: 's', path: 'repo/p', started, eta, expires, mode: 'exclusive', id: 'abc123' }]);
            const back = must(BoardDocument.parse(doc.serialize(), { now: started }).claims[0], 'the claim read back');
            assert.equal(minute(back.started), minute(started), `${tz} start: ${doc.serialize()}`);
            assert.equal(minute(back.eta), minute(eta), `${tz} eta: ${doc.serialize()}`);
            assert.equal(back.expires.getTime(), Math.floor(expires.getTime() / 1000) * 1000);
          }),
      ),
      { numRuns: 300 },
    );
  });

  it('an expiry announcement names the lease the claim had, not the default', async () => {
    let now = new Date('2026-05-01T10:00:00Z');
    const events: BoardEvent[] = [];
    const s = new ClaimService({ boardPath: path.join(dir, 'b.md'), now: () => now, onEvents: (e) => void events.push(...e) });
    await s.claim('session-a', { paths: ['repo/x'], ttlMs: 4_000 });
    now = new Date(now.getTime() + 5_000);
    await s.prune();
    const text = announcementsFor(events, { now, ttlMs: 60 * 60_000 })
      .map((a) => a.text)
      .join('\n');
    assert.match(text, /EXPIRED `repo\/x` — no heartbeat for 4 s/);
  });
});
