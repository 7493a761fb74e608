import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClaimService, checkReleaseRequest, releasedBy } from '../../src/core/claim-service';
import { BoardDocument } from '../../src/core/board-format';
import { InputError, must } from '../../src/core/errors';
import type { BoardEvent, Claim } from '../../src/core/model';
import { tempDir } from '../support/cli';

describe('claims and leases', () => {
  let dir: string;
  let board: string;
  let clock: Date;
  let events: BoardEvent[];
  let alive: Set<number>;
  const make = (ttlMs?: number) =>
    new ClaimService({
      boardPath: board,
      ttlMs,
      now: () => new Date(clock),
      host: 'here',
      isProcessAlive: (pid) => alive.has(pid),
      onEvents: (e) => {
        events.push(...e);
      },
    });
  const minutes = (n: number) => {
    clock = new Date(clock.getTime() + n * 60_000);
  };

  beforeEach(() => {
    dir = tempDir();
    board = path.join(dir, 'coordination.md');
    clock = new Date('2026-05-01T10:00:00');
    events = [];
    alive = new Set();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an overlapping exclusive claim, naming the holder, and writes nothing', async () => {
    const s = make();
    await s.claim('session-a', { paths: ['repo/src/**'], eta: new Date('2026-05-01T10:30:00') });
    const before = fs.readFileSync(board, 'utf8');
    const r = await s.claim('session-b', { paths: ['repo/src/a/*.ts', 'repo/docs'] });
    assert.equal(r.granted.length, 0);
    assert.deepEqual(
      r.conflicts.map((k) => [k.path, k.holder.session, k.holder.path]),
      [['repo/src/a/*.ts', 'session-a', 'repo/src/**']],
    );
    assert.equal(fs.readFileSync(board, 'utf8'), before, 'all or nothing');
  });

  it('grants disjoint claims, shared with shared, and never conflicts a session with itself', async () => {
    const s = make();
    assert.equal((await s.claim('session-a', { paths: ['repo/a/*'] })).granted.length, 1);
    assert.equal((await s.claim('session-b', { paths: ['repo/b/*'] })).granted.length, 1);
    assert.equal((await s.claim('session-a', { paths: ['repo/a/x.ts'] })).conflicts.length, 0);
    assert.equal((await s.claim('session-a', { paths: ['docs'], mode: 'shared' })).granted.length, 1);
    assert.equal((await s.claim('session-b', { paths: ['docs'], mode: 'shared' })).granted.length, 1);
    const k = await s.claim('session-c', { paths: ['docs/x'] });
    assert.deepEqual(k.conflicts.map((c) => c.holder.session).sort(), ['session-a', 'session-b']);
    const ex = await s.claim('session-c', { paths: ['repo/a/*'], mode: 'shared' });
    assert.ok(ex.conflicts.length > 0 && ex.conflicts.every((c) => c.holder.session === 'session-a'), 'shared conflicts with exclusive');
  });

  it('claiming a path again renews it rather than adding a second line', async () => {
    const s = make();
    await s.claim('session-a', { paths: ['repo/x'] });
    minutes(10);
    const r = await s.claim('session-a', { paths: ['repo/x'] });
    assert.equal(r.renewed.length, 1);
    assert.equal(s.status().claims.length, 1);
  });

  it('a lease ends after its TTL without renewal; the next write moves it to releases as expired and says so', async () => {
    const s = make(10 * 60_000);
    await s.claim('session-a', { paths: ['repo/x'] });
    minutes(9);
    assert.equal(s.status().claims.length, 1);
    minutes(2);
    const v = s.status();
    assert.equal(v.claims.length, 0);
    assert.equal(v.expired.length, 1);
    assert.equal((await s.claim('session-b', { paths: ['repo/x'] })).granted.length, 1, 'an expired claim blocks nobody');
    const doc = BoardDocument.parse(fs.readFileSync(board, 'utf8'));
    assert.equal(doc.releases[0]?.session, 'session-a');
    assert.match(must(doc.releases[0]?.outcome, 'the outcome'), /^expired — no heartbeat for 10min$/);
    assert.ok(events.some((e) => e.kind === 'expire' && e.session === 'session-a' && e.why === 'lease'));
  });

  it('renew extends every claim of the session, and only of that session', async () => {
    const s = make(10 * 60_000);
    await s.claim('session-a', { paths: ['a', 'b'] });
    await s.claim('session-b', { paths: ['c'] });
    minutes(8);
    assert.equal((await s.renew('session-a')).renewed.length, 2);
    minutes(5);
    const v = s.status();
    assert.deepEqual(v.claims.map((c) => c.path).sort(), ['a', 'b']);
    assert.deepEqual(
      v.expired.map((c) => c.path),
      ['c'],
    );
  });

  it('a hand-written claim without a lease expires at ETA + TTL, or start + TTL without an ETA', async () => {
    fs.writeFileSync(
      board,
      ['# Board', '', 'Last updated: 2026-05-01T10:00:00', '', '## Active claims', '', '- session-h (started 09:50) — repo/h — eta 10:20', '- session-j (started 09:55) — repo/j', ''].join('\n'),
    );
    const s = make();
    const v = s.status();
    assert.deepEqual(
      v.claims.map((c) => [c.session, c.expires.toTimeString().slice(0, 5)]),
      [
        ['session-h', '11:20'],
        ['session-j', '10:55'],
      ],
    );
    minutes(56);
    assert.deepEqual(
      s.status().claims.map((c) => c.session),
      ['session-h'],
    );
  });

  it("the first write stamps the lease on hand-written claims, keeping the person's text", async () => {
    const line = '- session-h (started 09:50) – repo/h – eta 10:20 – fixing the thing';
    fs.writeFileSync(board, `## Active claims\n\n${line}\n`);
    clock = new Date('2026-05-01T10:00:00');
    await make().claim('session-b', { paths: ['repo/other'] });
    const text = fs.readFileSync(board, 'utf8');
    assert.ok(text.includes(`${line} — lease until 2026-05-01T11:20:00`), text);
  });

  it('--force takes over, records it and announces the takeover', async () => {
    const s = make();
    await s.claim('session-a', { paths: ['repo/src/**'] });
    const r = await s.claim('human', { paths: ['repo/src/x.ts'], force: true });
    assert.equal(r.granted.length, 1);
    assert.equal(r.granted[0]?.forcedFrom, 'session-a');
    assert.deepEqual(
      s.status().claims.map((c) => c.session),
      ['human'],
    );
    assert.match(must(s.status().releases[0]?.outcome, 'the outcome'), /taken over by human/);
    assert.ok(events.some((e) => e.kind === 'takeover' && e.from === 'session-a'));
  });

  it('a claim whose holder process is gone on this host is expired at once', async () => {
    const s = make();
    alive.add(4242);
    await s.claim('session-c', { paths: ['repo/c'], pid: 4242 });
    await s.claim('session-d', { paths: ['repo/d'], pid: 999, host: 'elsewhere' });
    assert.equal(s.status().claims.length, 2);
    alive.delete(4242);
    const v = s.status();
    assert.deepEqual(
      v.claims.map((c) => c.session),
      ['session-d'],
      'a pid on another host cannot be checked here',
    );
    assert.deepEqual(
      v.expired.map((c) => c.session),
      ['session-c'],
    );
    await s.prune();
    assert.ok(events.some((e) => e.kind === 'expire' && e.why === 'holder-gone'));
    assert.match(must(s.status().releases[0]?.outcome, 'the outcome'), /holder process gone/);
  });

  it('release moves claims to releases; release of what one does not hold changes nothing', async () => {
    const s = make();
    await s.claim('session-a', { paths: ['repo/src/**', 'repo/docs'] });
    const r = await s.release('session-a', ['repo/src/**']);
    assert.deepEqual(
      r.released.map((c) => c.path),
      ['repo/src/**'],
    );
    const before = fs.readFileSync(board, 'utf8');
    const none = await s.release('session-b', ['repo/docs']);
    assert.deepEqual(none.notHeld, ['repo/docs']);
    assert.equal(fs.readFileSync(board, 'utf8'), before);
    const all = await s.release('session-a', 'all');
    assert.deepEqual(
      all.released.map((c) => c.path),
      ['repo/docs'],
    );
    assert.deepEqual(
      events.filter((e) => e.kind === 'release').map((e) => e.path),
      ['repo/src/**', 'repo/docs'],
    );
  });

  it('pinned notes are added and removed by number', async () => {
    const s = make();
    await s.addNote('one');
    await s.addNote('two');
    assert.equal((await s.removeNote(1)).text, 'one');
    assert.deepEqual(
      s.status().notes.map((n) => n.text),
      ['two'],
    );
    await assert.rejects(s.removeNote(5), /no pinned note 5/);
  });

  it('drops sessions that ended more than a day ago, keeping recent and running ones', async () => {
    const s = make();
    await s.registerSession({ name: 'session-a', started: new Date(clock), ended: new Date(clock) });
    await s.registerSession({ name: 'session-b', started: new Date(clock) });
    minutes(23 * 60);
    await s.addNote('later');
    assert.deepEqual(
      s.status().sessions.map((x) => x.name),
      ['session-a', 'session-b'],
    );
    minutes(2 * 60);
    await s.addNote('much later');
    assert.deepEqual(
      s.status().sessions.map((x) => x.name),
      ['session-b'],
    );
  });
});

describe('a release, as every store reads it', () => {
  const claim = (session: string, p: string): Claim => ({ session, path: p, started: new Date(0), expires: new Date(1), line: 0, leaseDerived: false, mode: 'exclusive' });

  it('checks the session and each path once, in the core, and gives the keys', () => {
    assert.equal(checkReleaseRequest('alpha', 'all'), 'all');
    assert.deepEqual(checkReleaseRequest('alpha', ['repo/src/a.ts', 'repo/docs/']), ['repo/src/a.ts', 'repo/docs']);
    assert.throws(() => checkReleaseRequest('not a name', ['repo/a']), InputError);
    assert.throws(() => checkReleaseRequest('alpha', ['']), InputError);
  });

  it("ends the session's claims on a key named or under a folder named, once each, and names the keys it holds nothing under", () => {
    const mine = [claim('alpha', 'repo/src/a.ts'), claim('alpha', 'repo/src/b.ts'), claim('alpha', 'repo/docs/**')];
    const r = releasedBy(mine, ['repo/src', 'repo/src/a.ts', 'repo/lib/x.ts']);
    assert.deepEqual(
      r.released.map((c) => c.path),
      ['repo/src/a.ts', 'repo/src/b.ts'],
    );
    assert.deepEqual(r.notHeld, ['repo/lib/x.ts']);
    assert.deepEqual(releasedBy(mine, 'all').released, mine);
  });
});
