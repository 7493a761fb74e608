/**
 * The shared store test suite: what every ClaimStore must do, run against the board file and
 * against PostgreSQL (a real server, test/support/postgres.ts). Same inputs, same answers.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileClaimStore, type ClaimStore, type StoreChoice } from '../../src/core/claim-store';
import type { ServiceOptions } from '../../src/core/claim-service';
import { InputError } from '../../src/core/errors';
import type { BoardEvent } from '../../src/core/model';
import { openPgStore, type PgClaimStore } from '../../src/store-pg';
import { testPostgres } from '../support/postgres';

interface Maker {
  /** A store over a fresh board; `again` opens a second one on the same board (another process or machine). */
  fresh(opts?: Partial<ServiceOptions>): Promise<{ store: ClaimStore; again: (o?: Partial<ServiceOptions>) => ClaimStore }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function suite(name: string, make: () => Maker): void {
  describe(`ClaimStore: ${name}`, function () {
    this.timeout(60_000);
    const opened: ClaimStore[] = [];
    let m: Maker;
    before(() => {
      m = make();
    });
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((s) => s.close()));
    });
    const fresh = async (o?: Partial<ServiceOptions>) => {
      const r = await m.fresh(o);
      opened.push(r.store);
      return {
        store: r.store,
        again: (x?: Partial<ServiceOptions>) => {
          const s = r.again(x);
          opened.push(s);
          return s;
        },
      };
    };

    it('grants a free path and refuses it to another session, naming the holder', async () => {
      const { store } = await fresh();
      const a = await store.claim('alpha', { paths: ['repo/src/a.ts'] });
      assert.deepEqual(
        a.granted.map((c) => c.path),
        ['repo/src/a.ts'],
      );
      const b = await store.claim('beta', { paths: ['repo/src/**'] });
      assert.equal(b.granted.length, 0);
      assert.equal(b.conflicts.length, 1);
      assert.equal(b.conflicts[0]!.holder.session, 'alpha');
      assert.equal(b.conflicts[0]!.relation, 'inside');
      const checked = await store.check('beta', ['repo/src/a.ts']);
      assert.equal(checked[0]!.holder.session, 'alpha');
      assert.deepEqual(await store.check('alpha', ['repo/src/a.ts']), []);
    });

    it('is all or nothing: one held path refuses the whole claim', async () => {
      const { store } = await fresh();
      await store.claim('alpha', { paths: ['repo/b'] });
      const r = await store.claim('beta', { paths: ['repo/a', 'repo/b'] });
      assert.equal(r.granted.length, 0);
      assert.deepEqual(
        (await store.status()).claims.map((c) => c.path),
        ['repo/b'],
      );
    });

    it('lets shared claims meet, not exclusive ones', async () => {
      const { store } = await fresh();
      await store.claim('alpha', { paths: ['infra:db'], mode: 'shared' });
      assert.equal((await store.claim('beta', { paths: ['infra:db'], mode: 'shared' })).granted.length, 1);
      assert.equal((await store.claim('gamma', { paths: ['infra:db'] })).conflicts.length, 2);
    });

    it('renews its own claim instead of granting it twice', async () => {
      const { store } = await fresh();
      const first = await store.claim('alpha', { paths: ['repo/x'], ttlMs: 60_000 });
      const again = await store.claim('alpha', { paths: ['repo/x'], ttlMs: 120_000 });
      assert.equal(again.granted.length, 0);
      assert.equal(again.renewed[0]!.id, first.granted[0]!.id);
      assert.ok(again.renewed[0]!.expires.getTime() > first.granted[0]!.expires.getTime());
      assert.equal((await store.status()).claims.length, 1);
    });

    it('releases (exactly, or what a pattern covers), keeps the release, frees the path', async () => {
      const { store } = await fresh();
      await store.claim('alpha', { paths: ['repo/a', 'repo/lib/b'] });
      const r = await store.release('alpha', ['repo/lib/**', 'repo/none']);
      assert.deepEqual(
        r.released.map((c) => c.path),
        ['repo/lib/b'],
      );
      assert.deepEqual(r.notHeld, ['repo/none']);
      const v = await store.status();
      assert.deepEqual(
        v.claims.map((c) => c.path),
        ['repo/a'],
      );
      assert.ok(v.releases.some((x) => x.path === 'repo/lib/b' && x.outcome === 'done'));
      assert.equal((await store.claim('beta', { paths: ['repo/lib/b'] })).granted.length, 1);
    });

    it('takes over with force, recording the takeover', async () => {
      const events: BoardEvent[] = [];
      const { store } = await fresh({ onEvents: (e) => void events.push(...e) });
      await store.claim('alpha', { paths: ['repo/a'] });
      const r = await store.claim('beta', { paths: ['repo/a'], force: true });
      assert.deepEqual(
        r.takenOver.map((c) => c.session),
        ['alpha'],
      );
      const v = await store.status();
      assert.deepEqual(
        v.claims.map((c) => [c.session, c.forcedFrom]),
        [['beta', 'alpha']],
      );
      assert.ok(v.releases.some((x) => x.session === 'alpha' && x.outcome === 'taken over by beta'));
      assert.ok(events.some((e) => e.kind === 'takeover' && e.from === 'alpha'));
    });

    it("hands a path over on the person's yes: the holder's claim ends as approved, the asker holds it, once", async () => {
      const events: BoardEvent[] = [];
      const { store } = await fresh({ onEvents: (e) => void events.push(...e) });
      await store.claim('alpha', { paths: ['repo/a'] });
      const req = { from: 'alpha', to: 'beta', path: 'repo/a', approvedBy: '@alice', questionId: 'q1' };
      const r = await store.handOver(req);
      assert.equal(r.holds, true);
      assert.deepEqual(
        r.takenOver.map((c) => c.session),
        ['alpha'],
      );
      assert.deepEqual([r.granted?.session, r.granted?.forcedFrom, r.granted?.reason], ['beta', 'alpha', 'approved by @alice']);
      const v = await store.status();
      assert.deepEqual(
        v.claims.map((c) => [c.session, c.path, c.mode]),
        [['beta', 'repo/a', 'exclusive']],
      );
      assert.deepEqual(
        v.releases.map((x) => [x.session, x.outcome]),
        [['alpha', 'taken over by beta (approved by @alice)']],
      );
      assert.deepEqual(
        events.filter((e) => e.kind === 'takeover'),
        [{ kind: 'takeover', session: 'beta', path: 'repo/a', from: 'alpha', claimId: r.granted?.id, approvedBy: 'alice', questionId: 'q1' }],
      );
      // The same yes read again (a second listener, a restart): nothing more is written or said.
      events.length = 0;
      assert.equal((await store.handOver(req)).holds, true);
      assert.deepEqual(events, []);
      assert.equal((await store.status()).releases.length, 1);
    });

    it("a hand-over to a session that shares the path renews the asker's own claim, announced as the takeover", async () => {
      const events: BoardEvent[] = [];
      const { store } = await fresh({ onEvents: (e) => void events.push(...e) });
      await store.claim('alpha', { paths: ['repo/a'], mode: 'shared' });
      const own = (await store.claim('beta', { paths: ['repo/a'], mode: 'shared' })).granted[0];
      events.length = 0;
      const r = await store.handOver({ from: 'alpha', to: 'beta', path: 'repo/a', approvedBy: 'alice' });
      assert.equal(r.granted?.id, own?.id, 'the same grant');
      const v = await store.status();
      assert.deepEqual(
        v.claims.map((c) => [c.session, c.mode, c.forcedFrom]),
        [['beta', 'exclusive', 'alpha']],
      );
      assert.deepEqual(
        v.releases.map((x) => x.outcome),
        ['taken over by beta (approved by @alice)'],
      );
      assert.deepEqual(
        events.map((e) => e.kind),
        ['takeover'],
      );
    });

    it("renews leases by each claim's own length", async () => {
      const { store } = await fresh();
      await store.claim('alpha', { paths: ['repo/a'], ttlMs: 5_000 });
      const r = await store.renew('alpha', 60_000);
      assert.equal(r.renewed.length, 1);
      assert.equal((await store.status()).claims[0]!.ttlMs, 60_000);
    });

    it('ends a lease that is not renewed, once, for whoever looks next', async () => {
      const events: BoardEvent[] = [];
      const { store, again } = await fresh({ onEvents: (e) => void events.push(...e) });
      const other = again({ onEvents: (e) => void events.push(...e) });
      await store.claim('alpha', { paths: ['repo/a'], ttlMs: 1_000 });
      await sleep(1_300);
      const v = await other.status();
      assert.deepEqual(v.claims, []);
      assert.equal(v.expired.length, 1);
      assert.equal((await other.claim('beta', { paths: ['repo/a'] })).granted.length, 1);
      await store.prune();
      const expiries = events.filter((e) => e.kind === 'expire');
      assert.equal(expiries.length, 1, 'one expiry, announced by the one write that recorded it');
      assert.ok((await store.status()).releases.some((x) => x.session === 'alpha' && /^expired/.test(x.outcome ?? '')));
    });

    it('keeps pinned notes in order and removes by number', async () => {
      const { store } = await fresh();
      await store.addNote('first');
      await store.addNote('second');
      assert.equal((await store.removeNote(1)).text, 'first');
      assert.deepEqual(
        (await store.status()).notes.map((n) => n.text),
        ['second'],
      );
      await assert.rejects(store.removeNote(5), InputError);
    });

    it('registers sessions and ends them, releasing what they held', async () => {
      const { store } = await fresh();
      await store.registerSession({ name: 'alpha', externalId: 'uuid-1', started: new Date(), repo: 'repo' });
      await store.claim('alpha', { paths: ['repo/a'] });
      const near = await store.near([]);
      assert.deepEqual(
        near.sessions.map((s) => s.name),
        ['alpha'],
      );
      const ended = await store.endSession('alpha', 'uuid-1');
      assert.deepEqual(
        ended.map((c) => c.path),
        ['repo/a'],
      );
      const v = await store.status();
      assert.deepEqual(v.claims, []);
      assert.ok(v.sessions[0]!.ended);
    });

    it('refuses bad input with an InputError and writes nothing', async () => {
      const { store } = await fresh();
      await assert.rejects(store.claim('bad name!', { paths: ['repo/a'] }), InputError);
      await assert.rejects(store.claim('alpha', { paths: [] }), InputError);
      await assert.rejects(store.claim('alpha', { paths: ['repo/a'], ttlMs: 5 }), InputError);
      await assert.rejects(store.addNote('two\nlines'), InputError);
      const v = await store.status();
      assert.deepEqual([v.claims.length, v.notes.length, v.releases.length], [0, 0, 0]);
    });

    it('never grants one path twice to writers racing from two stores', async () => {
      const { store, again } = await fresh();
      const stores = [store, again(), again(), again()];
      const results = await Promise.all(stores.map((s, i) => s.claim(`w${i}`, { paths: ['repo/contended'] })));
      assert.equal(results.filter((r) => r.granted.length === 1).length, 1);
      for (const r of results.filter((x) => x.granted.length === 0)) assert.equal(r.conflicts[0]!.holder.session, (await store.status()).claims[0]!.session);
    });
  });
}

suite('the board file', () => ({
  async fresh(opts) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-file-'));
    const boardPath = path.join(dir, 'coordination.md');
    return { store: new FileClaimStore({ boardPath, ...opts }), again: (o) => new FileClaimStore({ boardPath, ...o }) };
  },
}));

suite('PostgreSQL', () => ({
  async fresh(opts) {
    const server = await testPostgres();
    const url = await server.database();
    const choice: StoreChoice = { kind: 'postgres', url, shown: url, board: 'default', source: 'test' };
    const boardPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'store-pg-')), 'coordination.md');
    const store = openPgStore(choice, { boardPath, ...opts });
    await store.init();
    return { store, again: (o) => openPgStore(choice, { boardPath, ...o }) as PgClaimStore };
  },
}));
