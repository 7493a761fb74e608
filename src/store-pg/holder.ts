/**
 * The store holder (`claimboard store hold`, started detached by the CLI on a read that found
 * none): one process per machine and database URL that keeps one connection open and runs the
 * CLI's hot reads on a private Unix socket (holder-client.ts says why and what the CLI does when
 * it does not answer).
 *
 * - Its connection is read-only (`default_transaction_read_only`): a request cannot write.
 * - It answers only requests for its own URL, one statement each, run when asked: nothing is
 *   answered from memory, so an answer is exactly what a direct read would have returned.
 * - One per socket: a second holder finds the first answering and leaves; a socket left by a
 *   holder that died is taken over.
 * - It ends when idle (`idleMs` without a request), when its connection is lost (the database
 *   restarted or went away: the next call reads directly and starts a new one), when another
 *   process took its socket path, and on SIGTERM/SIGINT; it removes its socket as it goes.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import pg from 'pg';
import { onFirstLine, textDigest, type HolderAnswer, type HolderRequest } from './holder-client';
import { rememberScramKeysIn } from './pg-crypto';

export const HOLDER_IDLE_MS = 10 * 60_000;
/** How often the holder checks that its socket path is still its own. */
const SOCKET_CHECK_MS = 30_000;
/** A request is one line of a few hundred bytes: anything much longer is not a client of ours. */
const MAX_REQUEST_BYTES = 64 * 1024;
const QUERY_TIMEOUT_MS = 10_000;
/** The CLI sends two statements; a connection prepares no more than this many. */
const MAX_PREPARED = 16;

/** PostgreSQL types whose text is a JSON value as it is: json, jsonb; int2, int4, oid, float4, float8. */
const JSON_TEXT_TYPES = new Set([114, 3802, 21, 23, 26, 700, 701]);
const BOOL_TYPE = 16;

/**
 * The first row as a JSON object, from PostgreSQL's text of each column: what the CLI gets from
 * `pg` for the hot reads' columns (json, int4, text), without parsing 60 KB of claims and
 * writing them again. Other types are their text as a string (pg would give a Date or a string).
 */
export function rowJson(r: pg.QueryArrayResult<(string | null)[]>): string {
  const row = r.rows[0];
  if (!row) return 'null';
  const parts = r.fields.map((f, i) => {
    const v = row[i];
    // json_agg puts a newline between elements: whitespace there (a JSON string cannot hold one
    // unescaped), and the answer must stay one line.
    const value =
      v === null || v === undefined
        ? 'null'
        : JSON_TEXT_TYPES.has(f.dataTypeID) && !/^(NaN|-?Infinity)$/.test(v)
          ? v.replace(/[\r\n]/g, ' ')
          : f.dataTypeID === BOOL_TYPE
            ? String(v === 't')
            : JSON.stringify(v);
    return `${JSON.stringify(f.name)}:${value}`;
  });
  return `{${parts.join(',')}}`;
}

export interface HolderOptions {
  url: string;
  socket: string;
  /** Where SCRAM keys are remembered (as the store's own connections do). */
  scramKeys?: string;
  idleMs?: number;
  connectTimeoutMs?: number;
  /** Told what happened (never the URL): stderr, which a person running `store hold` by hand sees. */
  log?: (line: string) => void;
}

/** Runs until the holder ends; resolves with why. Rejects only when the socket cannot be listened on. */
export async function runHolder(opts: HolderOptions): Promise<string> {
  const log = opts.log ?? (() => undefined);
  const idleMs = opts.idleMs ?? HOLDER_IDLE_MS;
  rememberScramKeysIn(opts.scramKeys);
  let client: Promise<pg.Client> | undefined;
  let ending: ((why: string) => void) | undefined;
  const ended = new Promise<string>((resolve) => (ending = resolve));
  let finished = false;
  // Set once listening: the socket's inode (to know it is still ours) and the timer that checks it.
  const listening: { ino?: number; check?: NodeJS.Timeout } = {};
  let idle: NodeJS.Timeout | undefined;
  const ownSocket = (): boolean => {
    try {
      return listening.ino !== undefined && fs.statSync(opts.socket).ino === listening.ino;
    } catch {
      return false;
    }
  };
  const end = (why: string): void => {
    if (finished) return;
    finished = true;
    clearTimeout(idle);
    clearInterval(listening.check);
    server.close();
    if (ownSocket()) fs.rmSync(opts.socket, { force: true });
    void client?.then((c) => c.end()).catch(() => undefined);
    log(`ending: ${why}`);
    ending?.(why);
  };
  const connect = (): Promise<pg.Client> =>
    (client ??= (async () => {
      const c = new pg.Client({
        connectionString: opts.url,
        connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
        application_name: 'claimboard holder',
        // A read that hangs (a database cut off by the network) ends the holder: its clients
        // connect themselves meanwhile, and the next one starts a new holder.
        query_timeout: QUERY_TIMEOUT_MS,
        options: '-c default_transaction_read_only=on',
      });
      // A lost connection ends the holder: the next CLI call reads directly and starts another.
      c.on('error', () => end('the connection was lost'));
      c.on('end', () => end('the connection was closed'));
      try {
        await c.connect();
      } catch (e) {
        await c.end().catch(() => undefined);
        throw e;
      }
      return c;
    })());

  const named = new Set<string>();
  const answer = async (line: string): Promise<string> => {
    const error = (message: string): string => JSON.stringify({ error: message } satisfies HolderAnswer);
    let req: HolderRequest;
    try {
      req = JSON.parse(line) as HolderRequest;
    } catch {
      return error('a request that is not JSON');
    }
    if (req.url !== opts.url) return error('a request for another store');
    if (typeof req.text !== 'string' || !Array.isArray(req.values)) return error('a request without a statement');
    try {
      const c = await connect();
      // The extended protocol: one statement, never several. The few statements the CLI sends
      // are prepared once per connection (no planning per read); their values stay PostgreSQL's
      // text, put into the answer as they are (rowJson), not parsed here and written again.
      const name = `claimboard_${textDigest(req.text)}`;
      if (!named.has(name) && named.size < MAX_PREPARED) named.add(name);
      const r = await c.query({
        text: req.text,
        values: req.values,
        queryMode: 'extended',
        name: named.has(name) ? name : undefined,
        rowMode: 'array',
        types: { getTypeParser: () => (text: string) => text },
      } as pg.QueryConfig);
      return `{"row":${rowJson(r as unknown as pg.QueryArrayResult<(string | null)[]>)}}`;
    } catch (e) {
      // The connection could not be made: this holder is of no use, the CLI reads directly.
      if (!(e instanceof pg.DatabaseError)) end(`cannot reach the store: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      return error(e instanceof Error ? e.message : String(e));
    }
  };

  const server = net.createServer((conn) => {
    restartIdle();
    conn.on('error', () => conn.destroy());
    onFirstLine(
      conn,
      (line) => {
        conn.pause();
        void answer(line).then((a) => conn.end(`${a}\n`));
      },
      { maxChars: MAX_REQUEST_BYTES, tooLong: () => conn.destroy() },
    );
  });

  const restartIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => end(`idle for ${Math.round(idleMs / 1000)} s`), idleMs);
    idle.unref?.();
  };

  await listenOnce(server, opts.socket);
  listening.ino = fs.statSync(opts.socket).ino;
  listening.check = setInterval(() => {
    if (!ownSocket()) end('its socket was taken by another process');
  }, SOCKET_CHECK_MS);
  restartIdle();
  // Connected at once: the first request finds a warm connection, and a store that cannot be
  // reached ends the holder now rather than after its idle time.
  connect().catch((e: unknown) => end(`cannot reach the store: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`));
  process.once('SIGTERM', () => end('SIGTERM'));
  process.once('SIGINT', () => end('SIGINT'));
  log(`holding on ${opts.socket}`);
  return ended;
}

/** Error with `code: 'EHELD'`: another holder answers on this socket (this one has nothing to do). */
export class HolderRunningError extends Error {
  readonly code = 'EHELD';
}

/**
 * Listens on the socket: when another holder answers there, rejects with HolderRunningError;
 * when the socket is a dead holder's (nobody accepts), removes it and listens once more.
 */
async function listenOnce(server: net.Server, socket: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // Only this user: the folder is private too (holderSocketPath), this covers the moment before.
        const mask = process.umask(0o077);
        try {
          server.listen(socket, () => {
            server.off('error', reject);
            resolve();
          });
        } finally {
          process.umask(mask);
        }
      });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 0) throw e;
      if (await answers(socket)) throw new HolderRunningError(`another holder answers on ${socket}`);
      fs.rmSync(socket, { force: true });
    }
  }
}

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}
