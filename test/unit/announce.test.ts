/**
 * The announcements layer in-process, against the real-HTTP Mattermost test server: the
 * seed's message forms, config and secrets, and delivery that never blocks, never loses a
 * message and never posts one twice (down, 5xx, 429, reset, hang, concurrent flushers).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnnouncer, loadAnnounceConfig, type Announcer, type AnnouncerOptions } from '../../src/announce';
import { announcementsFor, askAnnouncement, codeSpan, neutraliseMentions, parseAnnouncement } from '../../src/announce/messages';
import { maskSecrets, maskUrl } from '../../src/announce/secrets';
import { Outbox, outboxPaths } from '../../src/announce/outbox';
import { readRecap } from '../../src/announce/recap';
import { MattermostClient, retryAfter } from '../../src/announce/mattermost-client';
import type { AnnounceConfig } from '../../src/announce/config';
import type { BoardEvent } from '../../src/core/model';
import { must } from '../../src/core/errors';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

/** Matches what Mattermost would read as a channel-wide mention. */
const CHANNEL_MENTION = /(^|[^\p{L}\p{N}`\u2060])@(channel|all|here)\b/u;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-announce-'));
}

const NOW = new Date('2026-04-27T19:15:00-04:00');
const claimEv = (session: string, p: string, claimId = `${session}-${p}`): BoardEvent => ({
  kind: 'claim',
  session,
  path: p,
  eta: new Date(NOW.getTime() + 30 * 60_000),
  expires: new Date(NOW.getTime() + 3_600_000),
  mode: 'exclusive',
  claimId,
});
const releaseEv = (session: string, p: string, claimId = `${session}-${p}`): BoardEvent => ({ kind: 'release', session, path: p, claimId });

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('announcement messages', () => {
  const ctx = { now: NOW, mention: 'alice', ttlMs: 60 * 60_000 };

  it('use the seed forms, paths in backticks', () => {
    const texts = announcementsFor(
      [
        { kind: 'start', session: 'session-a', repo: 'home_k3s_cluster', task: 'longhorn debug' },
        claimEv('session-a', 'home_k3s_cluster/kubernetes/apps/longhorn/*'),
        releaseEv('session-a', 'home_k3s_cluster/kubernetes/apps/longhorn/*'),
        { kind: 'expire', session: 'session-c', path: 'zolty-blog/hugo/content/posts/*', expiredAt: NOW, why: 'lease' },
        { kind: 'takeover', session: 'session-b', path: 'repo/x', from: 'session-a', claimId: 'k1' },
      ],
      ctx,
    ).map((a) => a.text);
    assert.deepEqual(texts, [
      '[session-a] starting — repo: home_k3s_cluster — task: longhorn debug',
      '[session-a] CLAIM `home_k3s_cluster/kubernetes/apps/longhorn/*` — eta 30min',
      '[session-a] RELEASE `home_k3s_cluster/kubernetes/apps/longhorn/*` — done',
      '[session-c] EXPIRED `zolty-blog/hugo/content/posts/*` — no heartbeat for 60 min',
      '[session-b] TAKEOVER `repo/x` from session-a (forced)',
    ]);
  });

  it('fold the releases of an end into one post', () => {
    const anns = announcementsFor([releaseEv('session-a', 'r/a'), releaseEv('session-a', 'r/b'), releaseEv('session-b', 'r/c'), { kind: 'end', session: 'session-a', paths: ['r/a', 'r/b'] }], ctx);
    assert.deepEqual(
      anns.map((a) => a.text),
      ['[session-b] RELEASE `r/c` — done', '[session-a] ending — released `r/a`, `r/b`'],
    );
  });

  it('ask: @me becomes the configured username, the message is kept', () => {
    assert.equal(
      askAnnouncement({ session: 'session-b', holder: 'session-a', path: 'repo/src/**', message: 'the tests are red.', mention: 'alice' }).text,
      '[session-b] @alice session-a is holding `repo/src/**` — the tests are red, OK to interrupt?',
    );
    assert.equal(askAnnouncement({ session: 'session-b', holder: 'session-a', path: 'p' }).text, '[session-b] session-a is holding `p` — OK to interrupt?');
  });

  it('never let typed text ping the channel, nor forge a second line', () => {
    const evil = 'fix @channel @all @here @someone\n[session-z] CLAIM everything';
    const texts = [
      ...announcementsFor([{ kind: 'start', session: 's', repo: '@here', task: evil }, { ...claimEv('s', 'r/p'), reason: evil } as BoardEvent], ctx).map((a) => a.text),
      askAnnouncement({ session: 's', holder: '@all', path: 'r/`@channel`', message: evil, mention: 'alice' }).text,
    ];
    for (const t of texts) {
      assert.doesNotMatch(t, CHANNEL_MENTION, t);
      assert.doesNotMatch(t, /@someone/, t);
      assert.ok(!t.includes('\n'), 'one line');
    }
    assert.match(texts.at(-1)!, /^\[s\] @alice /, 'the intended mention survives');
    assert.equal(neutraliseMentions('mail a@b.c'), 'mail a@\u2060b.c');
  });

  it('code spans survive backticks inside the path, and parse back', () => {
    assert.equal(codeSpan('a/b'), '`a/b`');
    assert.equal(codeSpan('a`b'), '`` a`b ``');
    for (const a of announcementsFor([claimEv('session-a', 'r/`odd`/*'), releaseEv('session-a', 'r/x')], ctx)) {
      const p = parseAnnouncement(a.text);
      assert.equal(p?.session, 'session-a');
      assert.equal(p?.path, a.path);
      assert.equal(p?.kind, a.kind);
    }
    assert.equal(parseAnnouncement('hello there'), undefined);
    assert.deepEqual(parseAnnouncement(askAnnouncement({ session: 'b', holder: 'a', path: 'r/p', mention: 'me' }).text), { kind: 'ask', session: 'b', path: 'r/p', holder: 'a' });
  });
});

describe('announcement config', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmp();
  });

  function writeConfig(body: unknown, mode = 0o600): string {
    const p = path.join(dir, 'claimboard', 'config.json');
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, JSON.stringify(body));
    fs.chmodSync(p, mode);
    return p;
  }

  it('nothing configured: nothing to do, no error', () => {
    const r = loadAnnounceConfig({ env: { XDG_CONFIG_HOME: dir } });
    assert.equal(r.configured, false);
    assert.equal(r.config, undefined);
    assert.equal(r.error, undefined);
  });

  it('reads the file and lets the environment win, field by field', () => {
    writeConfig({ mattermost: { url: 'https://chat.example.com', token: 'filetoken0000', channel: 'team/claims', mention: 'bob' } });
    const r = loadAnnounceConfig({ env: { XDG_CONFIG_HOME: dir, CLAIMBOARD_MATTERMOST_TOKEN: 'envtoken00000', CLAIMBOARD_MENTION: '@alice' } });
    assert.deepEqual(r.config?.destination, { kind: 'rest', serverUrl: 'https://chat.example.com', token: 'envtoken00000', channel: 'team/claims' });
    assert.equal(r.config?.mention, 'alice');
    assert.ok(r.config?.sources.includes('token from $CLAIMBOARD_MATTERMOST_TOKEN'));
  });

  it("a host's own settings (VS Code) win over the environment and the file, and say so; empty ones fall through", () => {
    writeConfig({ mattermost: { url: 'https://chat.example.com', token: 'filetoken0000', channel: 'team/claims' } });
    const r = loadAnnounceConfig({
      env: { XDG_CONFIG_HOME: dir, CLAIMBOARD_MATTERMOST_CHANNEL: 'team/from-env', CLAIMBOARD_MENTION: 'bob' },
      overrides: { from: 'VS Code settings', channel: 'team/from-vscode', token: 'vscodetoken00', mention: '' },
    });
    assert.deepEqual(r.config?.destination, { kind: 'rest', serverUrl: 'https://chat.example.com', token: 'vscodetoken00', channel: 'team/from-vscode' });
    assert.equal(r.config?.mention, 'bob');
    assert.ok(r.config?.sources.includes('channel from VS Code settings'));
    assert.ok(r.config?.sources.includes('url from ' + path.join(dir, 'claimboard', 'config.json')));
  });

  it('refuses a config file holding a secret that others can read, saying how to fix it, without the secret', function () {
    if (process.platform === 'win32') this.skip();
    const p = writeConfig({ mattermost: { webhook: 'https://chat.example.com/hooks/s3cr3thookid0000000000000' } }, 0o644);
    const r = loadAnnounceConfig({ env: { XDG_CONFIG_HOME: dir } });
    assert.equal(r.config, undefined);
    assert.equal(r.configured, true);
    assert.match(r.error ?? '', /chmod 600/);
    assert.ok(r.error?.includes(p));
    assert.ok(!r.error?.includes('s3cr3thookid'));
    fs.chmodSync(p, 0o600);
    assert.equal(loadAnnounceConfig({ env: { XDG_CONFIG_HOME: dir } }).config?.destination.kind, 'webhook');
  });

  it('says what is missing in one line', () => {
    const err = (env: NodeJS.ProcessEnv) => loadAnnounceConfig({ env: { XDG_CONFIG_HOME: dir, ...env } }).error ?? '';
    assert.match(err({ CLAIMBOARD_MATTERMOST_TOKEN: 'tok0000' }), /not the server URL/);
    assert.match(err({ CLAIMBOARD_MATTERMOST_URL: 'https://x', CLAIMBOARD_MATTERMOST_TOKEN: 'tok0000' }), /no channel/);
    assert.match(err({ CLAIMBOARD_MATTERMOST_WEBHOOK: 'ftp://x/hooks/abc' }), /not an http/);
    assert.ok(!err({ CLAIMBOARD_MATTERMOST_WEBHOOK: 'ftp://x/hooks/abcdef' }).includes('abcdef'));
    writeConfig('{not json');
    fs.writeFileSync(path.join(dir, 'claimboard', 'config.json'), '{"mattermost": {"token": "leak0000"');
    const bad = err({});
    assert.match(bad, /not valid JSON/);
    assert.ok(!bad.includes('leak0000'));
  });

  it('reads Retry-After as seconds or an HTTP date, else X-RateLimit-Reset as seconds until reset', () => {
    const now = Date.parse('2026-04-27T23:00:00Z');
    assert.equal(retryAfter({ 'retry-after': '3' }, now), 3000);
    assert.equal(retryAfter({ 'retry-after': 'Mon, 27 Apr 2026 23:00:05 GMT' }, now), 5000);
    assert.equal(retryAfter({ 'x-ratelimit-reset': '7' }, now), 7000, 'seconds until reset, not an epoch time');
    assert.equal(retryAfter({}, now), 1000);
  });

  it('masks tokens, webhook ids and bearer headers', () => {
    assert.equal(maskUrl('https://chat.example.com/hooks/abc123def456'), 'https://chat.example.com/hooks/***');
    assert.equal(maskSecrets('Authorization: Bearer abc.def and tok1234', ['tok1234']), 'Authorization: Bearer *** and ***');
  });
});

describe('announcer delivery (in-process, real HTTP)', () => {
  let server: MattermostTestServer;
  let dir: string;
  let board: string;
  const made: Announcer[] = [];

  function rest(token = server.bot.token, channel = 'team/claims'): AnnounceConfig {
    return { destination: { kind: 'rest', serverUrl: server.url, token, channel }, mention: 'alice', sources: [] };
  }
  function webhook(url = server.hookUrl): AnnounceConfig {
    return { destination: { kind: 'webhook', webhookUrl: url }, mention: 'alice', sources: [] };
  }
  function announcer(config: AnnounceConfig | undefined, extra: Partial<AnnouncerOptions> = {}): Announcer {
    const a = createAnnouncer({ boardPath: board, config, retry: { baseMs: 20, capMs: 100 }, now: () => NOW, ...extra });
    made.push(a);
    return a;
  }

  beforeEach(async () => {
    server = await startMattermostServer();
    dir = tmp();
    board = path.join(dir, 'coordination.md');
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((a) => a.close()));
    await server.close();
  });

  it('without configuration: nothing is queued, no file is written', async () => {
    const a = announcer(undefined);
    const r = await a.announce([claimEv('session-a', 'r/x')]);
    assert.deepEqual(r, { queued: 0, delivered: 0, pending: 0 });
    assert.equal(fs.existsSync(outboxPaths(board).outbox), false);
    assert.equal(server.requests.length, 0);
  });

  it('concurrent appends under the lock lose nothing: 20 writers x 5 announcements', async () => {
    await server.down();
    const writers = Array.from({ length: 20 }, () => announcer(rest()));
    await Promise.all(
      writers.map((w, i) =>
        w.announce(
          Array.from({ length: 5 }, (_, j) => claimEv(`s${i}`, `r/${j}`)),
          { budgetMs: 0 },
        ),
      ),
    );
    // A writer that waited too long for the lock appended to the spool instead (by design, on a
    // loaded machine); the next outbox write merges it, so count after one.
    const state = await new Outbox(board).update((s) => s);
    assert.equal(state.entries.length, 100);
    assert.equal(new Set(state.entries.map((e) => e.seq)).size, 100);
    assert.equal(new Set(state.entries.map((e) => e.id)).size, 100, 'each has its own pending_post_id');
    for (let i = 0; i < 20; i++) {
      const mine = state.entries.filter((e) => e.session === `s${i}`).map((e) => e.path);
      assert.deepEqual(mine, ['r/0', 'r/1', 'r/2', 'r/3', 'r/4'], 'one write keeps its order');
    }
  });

  it('an unreadable outbox is moved aside, not overwritten, and announcing goes on', async () => {
    const { outbox } = outboxPaths(board);
    fs.writeFileSync(outbox, '{"version": 1, "entr');
    const a = announcer(webhook());
    const r = await a.announce([claimEv('session-a', 'r/x')]);
    assert.equal(r.delivered, 1);
    const aside = fs.readdirSync(dir).filter((f) => f.includes('.outbox.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(fs.readFileSync(path.join(dir, must(aside[0], 'the corrupt outbox set aside')), 'utf8'), '{"version": 1, "entr');
  });

  it('a failing webhook never shows its id in status, errors or the outbox file', async () => {
    await server.down();
    const a = announcer(webhook());
    // The budget bounds the attempt, it is not waited out: a refused connection fails at once,
    // but on a loaded machine the attempt once outlasted 500 ms, before the failure this test
    // reads was recorded.
    const r = await a.announce([claimEv('session-a', 'r/x')], { budgetMs: 10_000 });
    assert.equal(r.pending, 1);
    const st = a.status();
    assert.match(st.destination ?? '', /\/hooks\/\*\*\*/);
    assert.ok(st.lastError, 'the failure is reported');
    const everything = JSON.stringify([r, st]) + fs.readFileSync(outboxPaths(board).outbox, 'utf8');
    assert.ok(!everything.includes(server.hookId));
  });

  it('webhook: delivered inline, journaled, and the recap reads the journal', async () => {
    const a = announcer(webhook());
    const r = await a.announce([{ kind: 'start', session: 'session-a', repo: 'r', task: 't' }, claimEv('session-a', 'r/x')]);
    assert.equal(r.delivered, 2);
    assert.equal(r.pending, 0);
    assert.deepEqual(server.messages(), ['[session-a] starting — repo: r — task: t', '[session-a] CLAIM `r/x` — eta 30min']);
    assert.equal(server.posts[0]?.props.from_webhook, 'true');
    const journal = new Outbox(board).readJournal();
    assert.deepEqual(
      journal.map((j) => j.kind),
      ['start', 'claim'],
    );
    const recap = await a.recap({ since: new Date(0) });
    assert.equal(recap.source, 'journal');
    assert.deepEqual(
      recap.sessions.map((s) => [s.session, s.items.map((i) => i.kind)]),
      [['session-a', ['start', 'claim']]],
    );
  });

  it("REST: a forced takeover continues the old claim's thread, and the new holder's release follows it", async () => {
    const a = announcer(rest());
    await a.announce([claimEv('session-a', 'r/x', 'k1')]);
    await a.announce([{ kind: 'takeover', session: 'session-b', path: 'r/x', from: 'session-a', claimId: 'k2' }]);
    await a.announce([releaseEv('session-b', 'r/x', 'k2')]);
    const claim = must(server.posts[0], 'the claim post');
    const takeover = must(server.posts[1], 'the takeover post');
    const release = must(server.posts[2], 'the release post');
    assert.equal(takeover.message, '[session-b] TAKEOVER `r/x` from session-a (forced)');
    assert.equal(takeover.root_id, claim.id);
    assert.equal(release.root_id, claim.id);
    assert.deepEqual(new Outbox(board).read().roots, {});
  });

  it('an over-long message is clipped rather than refused forever', async () => {
    const a = announcer(rest());
    const r = await a.announce([{ ...claimEv('session-a', 'r/x'), reason: 'x'.repeat(20_000) } as BoardEvent]);
    assert.equal(r.delivered, 1);
    const post = must(server.posts[0], 'the post');
    assert.ok(post.message.length <= 16_383);
    assert.ok(post.message.endsWith('…'));
  });

  it('an expiry says how long the lease of its claim was', async () => {
    const a = announcer(webhook(), { ttlMs: 60 * 60_000 });
    await a.announce([{ ...claimEv('session-a', 'r/x'), expires: new Date(NOW.getTime() + 20 * 60_000) } as BoardEvent]);
    await a.announce([{ kind: 'expire', session: 'session-a', path: 'r/x', claimId: 'session-a-r/x', expiredAt: NOW, why: 'lease' }]);
    await a.announce([{ kind: 'expire', session: 'session-b', path: 'r/y', expiredAt: NOW, why: 'lease' }]);
    assert.deepEqual(server.messages().slice(1), ['[session-a] EXPIRED `r/x` — no heartbeat for 20 min', '[session-b] EXPIRED `r/y` — no heartbeat for 60 min']);
  });

  it('REST: a release and an expiry reply in the thread of their claim', async () => {
    const a = announcer(rest());
    await a.announce([claimEv('session-a', 'r/x'), claimEv('session-a', 'r/y')]);
    await a.announce([releaseEv('session-a', 'r/x'), { kind: 'expire', session: 'session-a', path: 'r/y', claimId: 'session-a-r/y', expiredAt: NOW, why: 'holder-gone' }]);
    const cx = must(server.posts[0], 'the claim post of r/x');
    const cy = must(server.posts[1], 'the claim post of r/y');
    const rx = must(server.posts[2], 'the release post of r/x');
    const ey = must(server.posts[3], 'the expiry post of r/y');
    assert.equal(cx.root_id, '');
    assert.equal(rx.root_id, cx.id);
    assert.equal(ey.root_id, cy.id);
    assert.equal(ey.message, '[session-a] EXPIRED `r/y` — holder process is gone');
    assert.deepEqual(new Outbox(board).read().roots, {}, 'roots are forgotten once the claim is over');
    assert.equal(server.requests.filter((q) => q.path.includes('/channels/name/')).length, 1, 'team/channel resolved once');
  });

  it('server down: the claim does not wait, nothing is lost, and the rest arrives in order once it is back', async () => {
    await server.down();
    const a = announcer(rest());
    for (let i = 0; i < 10; i++) {
      const r = await a.announce([claimEv('session-a', `r/${i}`)]);
      assert.equal(r.delivered, 0);
      assert.equal(r.queued, 1);
    }
    assert.equal(a.status().pending, 10);
    assert.match(a.status().lastError ?? '', /ECONNREFUSED|connect/);
    await server.up();
    const f = await a.flush({ budgetMs: 10_000 });
    assert.equal(f.delivered, 10);
    assert.deepEqual(
      server.messages(),
      Array.from({ length: 10 }, (_, i) => `[session-a] CLAIM \`r/${i}\` — eta 30min`),
    );
  });

  it('5xx and connection resets are retried with backoff', async () => {
    server.inject({ kind: 'status', status: 502 }, 2, /\/api\/v4\/posts$/);
    server.inject({ kind: 'reset' }, 1, /\/api\/v4\/posts$/);
    const a = announcer(rest());
    await a.announce([claimEv('session-a', 'r/x')], { budgetMs: 0 });
    const f = await a.flush({ budgetMs: 10_000 });
    assert.equal(f.delivered, 1);
    assert.deepEqual(server.messages(), ['[session-a] CLAIM `r/x` — eta 30min']);
    assert.deepEqual(
      server.requests.filter((q) => q.path === '/api/v4/posts').map((q) => q.fault ?? q.status),
      ['status', 'status', 'reset', 201],
    );
  });

  it('429: waits Retry-After (or X-RateLimit-Reset) seconds, reading the plain-text body, then delivers', async () => {
    server.inject({ kind: 'rate-limit', retryAfterS: 1 }, 1, /\/api\/v4\/posts$/);
    server.inject({ kind: 'rate-limit', retryAfterS: 1, resetOnly: true }, 1, /\/api\/v4\/posts$/);
    const a = announcer(rest());
    // The 429 arrives somewhere between these two instants; the next attempt is 1 s after it.
    // Bounds, not a measured wait, so a loaded machine cannot make this fail.
    const before = Date.now();
    // A budget well past the Retry-After: a loaded machine must not turn the 429 into a timeout,
    // and an inline announce that slept through the rate limit would deliver within it.
    const r = await a.announce([claimEv('session-a', 'r/x')], { budgetMs: 5000 });
    const after = Date.now();
    assert.equal(r.delivered, 0, 'inline delivery does not sleep through a rate limit');
    const st = must(new Outbox(board).read().entries[0], 'the outbox entry');
    const notBefore = Date.parse(must(st.notBefore, 'the outbox entry is scheduled'));
    assert.ok(notBefore >= before + 1000 && notBefore <= after + 1000, `next attempt follows Retry-After: ${notBefore - before} ms after the call began, ${after - before} ms call`);
    assert.match(st.lastError ?? '', /429 rate limited \(limit exceeded\)/);
    const f = await a.flush({ budgetMs: 10_000 });
    assert.equal(f.delivered, 1);
    assert.equal(server.messages().length, 1);
    const posts = server.requests.filter((q) => q.path === '/api/v4/posts');
    assert.deepEqual(
      posts.map((q) => q.fault ?? q.status),
      ['rate-limit', 'rate-limit', 201],
    );
  });

  it('4xx: the message is kept, marked failed, shown in status, and re-sent after the fix', async () => {
    const bad = announcer(rest('wrong-token'));
    await bad.announce([claimEv('session-a', 'r/x'), claimEv('session-a', 'r/y')], { budgetMs: 2000 });
    const st = bad.status();
    assert.equal(st.failed, 2);
    assert.equal(st.pending, 0);
    assert.match(st.lastError ?? '', /401/);
    assert.ok(!JSON.stringify(st).includes('wrong-token'), 'the token never appears in status');
    assert.ok(!fs.readFileSync(outboxPaths(board).outbox, 'utf8').includes('wrong-token'), 'nor in the outbox file');
    assert.equal(server.messages().length, 0);
    const fixed = announcer(rest());
    assert.equal((await fixed.flush({ budgetMs: 5000 })).delivered, 0, 'failed messages wait for --retry-failed');
    const f = await fixed.flush({ budgetMs: 5000, retryFailed: true });
    assert.equal(f.delivered, 2);
    assert.equal(server.messages().length, 2);
  });

  it('a hung server: announce returns within its budget while the request is still unanswered; later delivery is exactly once', async () => {
    server.inject({ kind: 'hang' }, Infinity, /\/api\/v4\/posts$/);
    const a = announcer(rest(server.bot.token, server.channel.id));
    const r = await a.announce([claimEv('session-a', 'r/x')], { budgetMs: 300 });
    // Returned although the server never answered the one request it received.
    const hung = server.requests.filter((q) => q.fault === 'hang');
    assert.equal(hung.length, 1);
    assert.equal(must(hung[0], 'the hung request').status, undefined, 'never answered');
    assert.equal(r.pending, 1);
    assert.equal(server.posts.length, 0);
    server.clearFaults();
    server.dropHung();
    const f = await a.flush({ budgetMs: 5000 });
    assert.equal(f.delivered, 1);
    assert.deepEqual(server.messages(), ['[session-a] CLAIM `r/x` — eta 30min']);
  });

  it('a retry whose first attempt arrived does not post twice (pending_post_id)', async () => {
    // The server creates the post after 400 ms; the client has given up at 150 ms.
    server.inject({ kind: 'slow', delayMs: 400 }, 1, /\/api\/v4\/posts$/);
    const a = announcer(rest(server.bot.token, server.channel.id));
    const r = await a.announce([claimEv('session-a', 'r/x')], { budgetMs: 150 });
    assert.equal(r.delivered, 0);
    await until(() => server.posts.length === 1);
    const f = await a.flush({ budgetMs: 5000 });
    assert.equal(f.delivered, 1);
    assert.equal(server.posts.length, 1, 'the retry got the first post back');
  });

  it('two processes flushing the same outbox at once post each message once, in order', async () => {
    server.inject({ kind: 'slow', delayMs: 10 });
    const queue = announcer(rest(server.bot.token, server.channel.id));
    const events = Array.from({ length: 30 }, (_, i) => claimEv('session-a', `r/${i}`));
    await queue.announce(events, { budgetMs: 0 });
    const a = announcer(rest(server.bot.token, server.channel.id));
    const b = announcer(rest(server.bot.token, server.channel.id));
    const [ra, rb] = await Promise.all([a.flush({ budgetMs: 20_000, waitForLockMs: 20_000 }), b.flush({ budgetMs: 20_000, waitForLockMs: 20_000 })]);
    assert.equal(ra.delivered + rb.delivered, 30);
    assert.deepEqual(
      server.messages(),
      events.map((e) => `[session-a] CLAIM \`${(e as { path: string }).path}\` — eta 30min`),
    );
  });

  it('recap gives up on a hung server within its budget', async () => {
    const a = announcer(rest(server.bot.token, server.channel.id));
    server.inject({ kind: 'hang' }, Infinity, /\/posts$/);
    await assert.rejects(a.recap({ since: new Date(0), budgetMs: 300 }), /no answer in time/);
    assert.equal(server.requests.filter((q) => q.fault === 'hang').length, 1);
  });

  it('mattermost test: says plainly what is wrong, never the token', async () => {
    const ok = await announcer(rest()).check();
    assert.ok(
      ok.every((l) => l.ok),
      JSON.stringify(ok),
    );
    assert.ok(ok.some((l) => l.text.includes('@claimbot')));
    const badToken = await announcer(rest('bad-token-123')).check();
    assert.ok(badToken.some((l) => !l.ok && /token is wrong/.test(l.text)));
    assert.ok(!JSON.stringify(badToken).includes('bad-token-123'));
    const outsider = await announcer(rest(server.outsider.token)).check();
    assert.ok(
      outsider.some((l) => !l.ok && /permission/.test(l.text)),
      JSON.stringify(outsider),
    );
    const missing = await announcer(rest(server.bot.token, 'team/nope')).check();
    assert.ok(missing.some((l) => !l.ok && /not found/.test(l.text)));
    const hook = await announcer(webhook(`${server.url}/hooks/unknownhookid`)).check();
    assert.ok(hook.some((l) => !l.ok && /does not know this webhook/.test(l.text)));
    assert.ok(!JSON.stringify(hook).includes('unknownhookid'));
  });

  it('recap from the channel: pages back to --since, per session, newest last, open questions', async () => {
    const a = announcer(rest(server.bot.token, server.channel.id));
    await a.announce([{ kind: 'start', session: 'session-a', repo: 'r', task: 't' }, claimEv('session-a', 'r/x'), claimEv('session-a', 'r/y')]);
    await a.ask({ session: 'session-b', holder: 'session-a', path: 'r/x', message: 'need it' });
    await a.ask({ session: 'session-c', holder: 'session-a', path: 'r/y' });
    await a.announce([releaseEv('session-a', 'r/y')]);
    // A person answers session-b's question in its thread.
    const ask = server.posts.find((p) => p.message.startsWith('[session-b]'))!;
    const client = new MattermostClient({ secrets: [] });
    await client.createPost(server.url, server.bot.token, { channel_id: server.channel.id, message: 'go ahead', root_id: ask.id });
    const recap = await readRecap({ since: new Date(0), source: 'channel', client, serverUrl: server.url, token: server.bot.token, channelId: server.channel.id, perPage: 2 });
    await client.close();
    assert.deepEqual(
      recap.sessions.map((s) => [s.session, s.items.map((i) => i.kind)]),
      [
        ['session-a', ['start', 'claim', 'claim', 'release']],
        ['session-b', ['ask']],
        ['session-c', ['ask']],
      ],
    );
    assert.equal(recap.otherPosts, 1);
    // session-b's was answered; session-c's is moot because r/y was released.
    assert.deepEqual(recap.openQuestions, []);
    assert.ok(server.requests.filter((q) => q.path.endsWith('/posts') && q.method === 'GET').length >= 4, 'paged');
    await a.ask({ session: 'session-d', holder: 'session-a', path: 'r/x' });
    const later = await a.recap({ since: new Date(0) });
    assert.deepEqual(
      later.openQuestions.map((q) => q.session),
      ['session-d'],
    );
    const recent = await a.recap({ since: new Date(Date.now() + 60_000) });
    assert.deepEqual(recent.sessions, []);
  });
});
