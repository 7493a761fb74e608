/**
 * The store holder's client side. Every hook call over a shared store is a new process, and a
 * new process pays for a new database connection: a server process forked for it, its
 * authentication, catalog caches read cold, and the `pg` client loaded to speak to it. The
 * holder (holder.ts, `claimboard store hold`) is one small process per machine and database that
 * keeps one read-only connection open and runs the hot reads (reads.ts) for the CLI on a private
 * Unix socket; the CLI decides on the row it returns with the same functions as a direct read.
 *
 * The holder only ever saves time: when there is none, it does not answer in time, it answers
 * with an error or the row is not of this schema, the read goes to the database directly, as
 * without it, and that read's error is the one reported. It never writes (its connection is
 * read-only) and never answers from memory: every answer is a statement run when asked.
 *
 * No `pg` here: the CLI bundle holds this file, the database client stays in dist/store-pg.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Net from 'node:net';

/** `CLAIMBOARD_STORE_HOLDER=off` (or 0, false, no): every read connects to the database itself. */
export const STORE_HOLDER_ENV = 'CLAIMBOARD_STORE_HOLDER';

/** What the client sends, one JSON line: the statement and the store it is meant for. */
export interface HolderRequest {
  url: string;
  text: string;
  values: unknown[];
}

/** What the holder answers, one JSON line. */
export type HolderAnswer = { row: unknown } | { error: string };

/** Unix sockets' path limit (108 bytes on Linux, 104 on macOS, with its terminating zero). */
const MAX_SOCKET_PATH = 103;

export function holderDisabled(env: NodeJS.ProcessEnv): boolean {
  return /^(0|off|false|no)$/i.test(env[STORE_HOLDER_ENV]?.trim() ?? '') || process.platform === 'win32';
}

/**
 * The holder's socket for this store: in a folder of its own beside the config file (where the
 * store keeps its private files), named by the URL, so another database or role is another
 * holder. The folder is created private (0700) and must stay so: anyone who could reach the
 * socket would read claims as this user. Undefined when it is not, or the path is too long for a
 * socket: reads then connect themselves, as without a holder.
 */
export function holderSocketPath(url: string, configPath: string): string | undefined {
  const dir = holderFolder(configPath);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || (st.mode & 0o077) !== 0 || (process.getuid && st.uid !== process.getuid())) return undefined;
  } catch {
    return undefined;
  }
  const socket = path.join(dir, `${textDigest(url)}.sock`);
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH ? socket : undefined;
}

/** The folder of this machine's holders' sockets. */
export function holderFolder(configPath: string): string {
  return path.join(path.dirname(configPath), 'holder');
}

/**
 * Two FNV-1a hashes (64 bits) of a URL or a statement: a name, not a secret, and node:crypto
 * would cost a hook call more than the holder saves. The holder also compares the whole URL of
 * each request.
 */
export function textDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/**
 * Why there was no row: `absent` when no holder listens (one may be started), `failed` when one
 * listens but did not answer with a row (in time, or at all): the caller reads directly.
 */
export type HolderResult = { row: unknown } | { absent: true } | { failed: string };

/**
 * The holder's protocol is one JSON line each way: calls `line` once with what the connection
 * sends up to its first newline. Chunks are kept and joined once, and only each new chunk is
 * searched for the newline (an answer can be megabytes: the claims of a schema-1 board). Past
 * `maxChars` without one, `tooLong` is called instead.
 */
export function onFirstLine(conn: Net.Socket, line: (text: string) => void, limit?: { maxChars: number; tooLong: () => void }): void {
  const chunks: string[] = [];
  let size = 0;
  conn.setEncoding('utf8');
  const onData = (chunk: string): void => {
    const nl = chunk.indexOf('\n');
    if (nl < 0) {
      chunks.push(chunk);
      size += chunk.length;
      if (limit && size > limit.maxChars) {
        conn.off('data', onData);
        limit.tooLong();
      }
      return;
    }
    chunks.push(chunk.slice(0, nl));
    conn.off('data', onData);
    line(chunks.join(''));
  };
  conn.on('data', onData);
}

/** Sends one request and waits at most `timeoutMs` for its answer. Never throws. */
export function askHolder(socket: string, req: HolderRequest, timeoutMs: number): Promise<HolderResult> {
  return new Promise((resolve) => {
    // Loaded here: a command on the board file never pays for node:net.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const net = require('node:net') as typeof Net;
    let settled = false;
    const conn = net.connect(socket);
    const done = (r: HolderResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ failed: `no answer within ${timeoutMs} ms` }), timeoutMs);
    conn.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? { absent: true } : { failed: e.message }));
    onFirstLine(conn, (text) => {
      let answer: HolderAnswer;
      try {
        answer = JSON.parse(text) as HolderAnswer;
      } catch {
        done({ failed: 'an answer that is not JSON' });
        return;
      }
      done('row' in answer ? { row: answer.row } : { failed: typeof answer.error === 'string' ? answer.error : 'an error' });
    });
    conn.on('end', () => done({ failed: 'the holder closed the connection without an answer' }));
    conn.write(`${JSON.stringify(req)}\n`);
  });
}
