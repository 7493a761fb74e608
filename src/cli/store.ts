/**
 * The CLI's one way to the store (commands, hooks, the git guard and the MCP server it starts):
 * the file board, or the shared store whose client loads only when a command first uses it.
 * Over a shared store the hot reads (check, the edit guard's claims, the git guard's fencing
 * check) ask this machine's store holder first (src/store-pg/holder-client.ts): one process that
 * keeps a connection open, so a hook call neither connects nor loads the database client.
 */
import { FileClaimStore, describeStore, lazyStore, type ClaimStore, type StoreChoice } from '../core/claim-store';
import { ClaimService, checkKeys, validateSession, type ServiceOptions } from '../core/claim-service';
import { askHolder, holderDisabled, holderSocketPath } from '../store-pg/holder-client';
import { LAPSED_READ, LIVE_READ, checkFromRow, lapsedFromRow, liveFromRow, liveReadValues, type HotRow, type LapsedRow, type LiveRow } from '../store-pg/reads';
import { SCHEMA_VERSION } from '../store-pg/schema';
import { runningAsCli, spawnDetached } from './spawn-detached';

/** How long a read waits for the holder before it connects itself (a holder answers in milliseconds). */
const HOLDER_WAIT_MS = 1_000;

export function openStore(choice: StoreChoice, opts: ServiceOptions, env: NodeJS.ProcessEnv = process.env): ClaimStore {
  if (choice.kind === 'file') return new FileClaimStore(opts);
  // Its own bundle (dist/store-pg.js): the database client stays out of the file every hook loads.
  const store = lazyStore(opts.boardPath, describeStore(choice, opts.boardPath), async () => (await import('../store-pg')).openPgStore(choice, opts));
  const socket = holderDisabled(env) || choice.configPath === undefined ? undefined : holderSocketPath(choice.url, choice.configPath);
  return socket ? throughHolder(store, { url: choice.url, board: choice.board, socket, opts, env }) : store;
}

/**
 * The store with its hot reads asked of the holder first. A row from the holder is decided on by
 * the same functions as the store's own read (src/store-pg/reads.ts); without one (no holder, no
 * answer in time, an error, another schema) the store reads directly, and a direct read that
 * succeeded starts a holder for the next call.
 */
function throughHolder(store: ClaimStore, h: { url: string; board: string; socket: string; opts: ServiceOptions; env: NodeJS.ProcessEnv }): ClaimStore {
  let rules: ClaimService | undefined;
  const rulesOf = (): ClaimService => (rules ??= new ClaimService(h.opts));
  let startOne = false;
  let started = false;
  const ask = async <R extends HotRow>(text: string, values: unknown[]): Promise<R | undefined> => {
    const r = await askHolder(h.socket, { url: h.url, text, values }, HOLDER_WAIT_MS);
    if ('absent' in r) startOne = true;
    if (!('row' in r)) return undefined;
    const row = r.row as R | null;
    // Another schema (older or newer): the direct read says what to do about it.
    return row?.version === SCHEMA_VERSION ? row : undefined;
  };
  const direct = async <T>(read: () => Promise<T>): Promise<T> => {
    const out = await read();
    if (startOne && !started && runningAsCli()) {
      started = true;
      spawnDetached(['store', 'hold', '--board', h.opts.boardPath], h.env);
    }
    return out;
  };
  return {
    ...store,
    async check(session, paths, mode = 'exclusive', o = {}) {
      const keys = checkKeys(paths);
      const row = await ask<LiveRow>(LIVE_READ, liveReadValues(h.board, keys, session));
      return row ? checkFromRow(rulesOf(), row, session, keys, mode, o.files) : direct(() => store.check(session, paths, mode, o));
    },
    async near(paths, session) {
      const row = await ask<LiveRow>(LIVE_READ, liveReadValues(h.board, paths, session));
      return row ? liveFromRow(rulesOf(), row, paths, session) : direct(() => store.near(paths, session));
    },
    async lapsed(session, keys) {
      validateSession(session);
      const row = await ask<LapsedRow>(LAPSED_READ, [h.board, session]);
      return row ? lapsedFromRow(rulesOf(), row, keys) : direct(() => store.lapsed(session, keys));
    },
  };
}
