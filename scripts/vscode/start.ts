// `npm start`: build, then a real VS Code (code-server on 127.0.0.1) with claimboard installed,
// a demo repository, a demo board in a temporary folder, the test Mattermost server, and
// scripted sessions that claim and release through the CLI every few seconds. Open the printed
// URL in a browser. Ctrl-C stops everything it started.
//
// Options: --port <n> (default 8484, or a free one if taken), --interval <seconds> between
// scripted steps (default 4), --for <seconds> (stop by itself; for checks), --no-build,
// --shared (the same demo over a shared store: an embedded PostgreSQL started and stopped here;
// the board file becomes the view written from it).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './code-server';
import { shellWord } from '../../src/core/shell-word';
import { cliPath, startScriptedSessions, type ScriptedSessions } from './demo';
import { demoPerson, startDemo, type Demo } from './demo-server';
import { repoRoot } from './paths';
import { prepareOrExit } from './setup';
import { maskStoreUrl } from '../../src/core/claim-store';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '8484' },
    interval: { type: 'string', default: '4' },
    for: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    shared: { type: 'boolean', default: false },
  },
});

function say(line: string): void {
  process.stdout.write(`[start] ${line}\n`);
}

interface ChatServer {
  url: string;
  /** The read-only page of the channel (test/support/channel-page.ts). */
  page?: string;
  stop(): Promise<void>;
  env: Record<string, string>;
  messages(): string[];
}

/** The test Mattermost server (test/support/mattermost-server.ts), when the checkout has it. */
async function startChat(): Promise<ChatServer | undefined> {
  const file = path.join(repoRoot, 'test', 'support', 'mattermost-server.ts');
  if (!fs.existsSync(file)) return undefined;
  const mod = (await import(file)) as typeof import('../../test/support/mattermost-server');
  const pageMod = (await import(path.join(repoRoot, 'test', 'support', 'channel-page.ts'))) as typeof import('../../test/support/channel-page');
  const server = await mod.startMattermostServer();
  const names = new Map([server.bot, server.outsider].map((u) => [u.id, u.username]));
  const page = await pageMod.startChannelPage(`~${server.channel.display_name}`, () =>
    server.posts
      .filter((p) => p.channel_id === server.channel.id && !p.delete_at)
      .map((p) => ({
        id: p.id,
        rootId: p.root_id ?? '',
        author: names.get(p.user_id) ?? p.user_id,
        at: p.create_at,
        message: p.message,
      })),
  );
  return {
    url: server.url,
    page: page.url,
    env: {
      CLAIMBOARD_MATTERMOST_URL: server.url,
      CLAIMBOARD_MATTERMOST_TOKEN: server.bot.token,
      CLAIMBOARD_MATTERMOST_CHANNEL: server.channel.id,
      CLAIMBOARD_MENTION: demoPerson,
    },
    messages: () => server.messages(),
    stop: async () => {
      await page.close();
      await server.down();
    },
  };
}

interface SharedStore {
  url: string;
  shown: string;
  stop(): Promise<void>;
}

/** A real PostgreSQL for the demo (test/support/postgres.ts: embedded, 127.0.0.1, a free port), its schema made. */
async function startSharedStore(): Promise<SharedStore> {
  const pg = (await import(path.join(repoRoot, 'test', 'support', 'postgres.ts'))) as typeof import('../../test/support/postgres');
  const url = await (await pg.testPostgres()).database('claimboard_demo');
  const init = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'store', 'init'], { env: { ...process.env, CLAIMBOARD_STORE: url }, encoding: 'utf8' });
  if (init.status !== 0) {
    await pg.stopTestPostgres();
    throw new Error(`claimboard store init: ${init.stderr.trim()}`);
  }
  return { url, shown: maskStoreUrl(url), stop: pg.stopTestPostgres };
}

async function isFree(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    return false;
  } catch {
    return true;
  }
}

async function main(): Promise<void> {
  prepareOrExit('start', !opts['no-build']);
  let chat: ChatServer | undefined;
  let store: SharedStore | undefined;
  let demo: Demo | undefined;
  let sessions: ScriptedSessions | undefined;
  let chatTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(chatTimer);
      await sessions?.stop();
      await demo?.stop();
      await chat?.stop();
      await store?.stop();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      say('stopping…');
      void stop().then(() => {
        say('stopped');
        process.exit(0);
      });
    });
  }
  try {
    chat = await startChat().catch((e: Error) => {
      say(`no test Mattermost server (${e.message}); continuing without announcements`);
      return undefined;
    });
    if (opts.shared) store = await startSharedStore();
    const wanted = Number(opts.port);
    const port = (await isFree(wanted)) ? wanted : await freePort();
    demo = await startDemo({ port, env: { ...chat?.env, ...(store ? { CLAIMBOARD_STORE: store.url } : {}) }, openClaimsView: true });
    if (store) say(`shared store: ${store.shown} (an embedded PostgreSQL, stopped with the demo)`);
    say(`board:     ${demo.board}${store ? " (this machine's view of the shared store)" : ''}`);
    say(`workspace: ${demo.repo}`);
    if (chat) say(`Mattermost (test server): ${chat.url}, channel "claims"`);
    say('');
    // The workbench opens on a file another session holds: the warning, the badge and the gutter
    // mark are the first thing a newcomer sees.
    const held = path.join(demo.repo, 'src', 'db', 'schema.sql');
    say(`open VS Code:         ${demo.server.workbenchUrl(demo.repo, [['openFile', demo.server.remoteUri(held)]])}`);
    if (chat?.page) say(`the channel, live:    ${chat.page}`);
    say('(everything listens on 127.0.0.1 only)');
    say('');
    say(`you are "${demoPerson}"; session-a, session-b and session-c claim and release every ${opts.interval} s. Ctrl-C stops.`);
    // The CLI of this checkout on the demo's board, as a terminal of the person would run it
    // (test/unit/npm-start.test.ts runs each printed command as printed).
    const board = demo.board;
    const cb = (session: string | undefined, args: string[]): string => ['node', cliPath, '--board', board, ...(session ? ['--session', session] : []), ...args].map(shellWord).join(' ');
    const readme = path.join(demo.repo, 'README.md');
    say('things to try:');
    say('  - src/db/schema.sql opens first: session-b holds it, so VS Code warns you (badge B in the Explorer, a lock in the gutter)');
    say('  - the Claims view (open at the bottom of the Explorer): who holds what; right-click a claim of yours to release it');
    say('  - right-click src/server.ts > Claim Path: if a session holds it, Wait for It tells you when it is free');
    say('  - from a terminal, the same board: the sessions, their claims and what was released');
    say(`      $ ${cb(undefined, ['status'])}`);
    say(`  - claim README.md as "${demoPerson}" (waiting while a session holds it): its badge turns ✓ in VS Code; then release it`);
    say(`      $ ${cb(demoPerson, ['claim', readme, '--eta', '10m', '--wait', '2m'])}`);
    say(`      $ ${cb(demoPerson, ['release', readme])}`);
    sessions = startScriptedSessions(demo.ctx, Number(opts.interval) * 1000, (line) => say(line));
    if (chat) {
      let seen = 0;
      const c = chat;
      chatTimer = setInterval(() => {
        const all = c.messages();
        for (const m of all.slice(seen)) say(`mattermost: ${m}`);
        seen = all.length;
      }, 1000);
    }
    if (opts.for) {
      await new Promise((r) => setTimeout(r, Number(opts.for) * 1000));
      await stop();
      say('done');
      process.exit(0);
    }
  } catch (e) {
    process.stderr.write(`start: ${(e as Error).message}\n`);
    await stop();
    process.exit(1);
  }
}

void main();
