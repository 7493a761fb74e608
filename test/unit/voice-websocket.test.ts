/**
 * The websocket as an optional speed-up of the listener (issue 10): with it, a reply is read at
 * once even when the poll interval is long; without it (refused, as a proxy would), the listener
 * reads by REST polling alone, as before. REST stays the one source of what was said.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnnouncer, type Announcer } from '../../src/announce/announcer';
import { loadAnnounceConfig } from '../../src/announce/config';
import { openQuestions, readAnswers } from '../../src/announce/answers';
import { listen } from '../../src/announce/listener';
import { websocketWanted } from '../../src/announce/channel-wake';
import { FileClaimStore } from '../../src/core/claim-store';
import { livenessHost } from '../../src/core/liveness';
import { until } from '../support/background';
import { startMattermostServer, type MattermostTestServer } from '../support/mattermost-server';

describe('the listener and the websocket (an optional speed-up)', function () {
  this.timeout(60_000);
  let server: MattermostTestServer;
  let dir: string;
  let board: string;
  let asker: Announcer;
  let store: FileClaimStore;

  beforeEach(async () => {
    server = await startMattermostServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-ws-'));
    board = path.join(dir, 'coordination.md');
    const env = {
      HOME: dir,
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_CHANNEL: `${server.team.name}/${server.channel.name}`,
      CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
      CLAIMBOARD_MENTION: 'alice',
    };
    const loaded = loadAnnounceConfig({ env, configPath: path.join(dir, 'none.json') });
    asker = createAnnouncer({ boardPath: board, config: loaded.config, budgetMs: 5_000 });
    store = new FileClaimStore({ boardPath: board });
    // A live session (this process), so the listener keeps listening.
    await store.registerSession({ name: 'session-b', started: new Date(), pid: process.pid, host: livenessHost() });
    await store.claim('session-a', { paths: ['repo/src/parser.ts'] });
    await asker.ask({ session: 'session-b', holder: 'session-a', path: 'repo/src/parser.ts', message: 'I need the parser' });
    assert.equal((await asker.flush({ budgetMs: 10_000, waitForLockMs: 10_000 })).pending, 0);
  });

  afterEach(async () => {
    await asker.close();
    await server.close();
  });

  async function answeredWhileListening(o: { intervalMs: number; websocket: boolean }): Promise<void> {
    const [q] = openQuestions(board, asker.journal());
    assert.ok(q);
    const stop = new AbortController();
    const running = listen({ boardPath: board, announcer: asker, service: () => store, signal: stop.signal, ...o });
    try {
      // The first read is done (it sets the cursor): what follows can only be seen by a later read.
      await until(() => readAnswers(board).cursor !== undefined, 15_000, 'the first read');
      if (server.websocket) await until(() => server.wsSockets.size === 1, 15_000, 'the websocket');
      await server.postAs(server.alice, 'yes', q.postId);
      await until(() => readAnswers(board).questions[q.postId]?.decided, 20_000, 'the yes recorded');
    } finally {
      stop.abort();
      assert.equal(await running, 'stopped');
    }
    assert.deepEqual(
      (await store.status()).claims.map((c) => c.session),
      ['session-b'],
    );
  }

  it('with the websocket, a reply is read at once though the next poll is ten minutes away', async () => {
    server.websocket = true;
    await answeredWhileListening({ intervalMs: 10 * 60_000, websocket: true });
    // Stopping starts the close handshake; the server sees the socket end a moment later (CI once
    // checked in between and saw it still open).
    await until(() => server.wsSockets.size === 0, 5_000, 'the websocket closed when the listener stops');
  });

  it('a websocket that is refused changes nothing: the listener reads by polling', async () => {
    await answeredWhileListening({ intervalMs: 2_000, websocket: true });
    assert.ok(server.requests.some((r) => r.path === '/api/v4/websocket' && r.status === 404));
  });

  it('CLAIMBOARD_WEBSOCKET=off keeps to polling', () => {
    assert.equal(websocketWanted({}), true);
    assert.equal(websocketWanted({ CLAIMBOARD_WEBSOCKET: 'off' }), false);
  });
});
