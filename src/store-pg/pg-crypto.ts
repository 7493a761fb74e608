/**
 * pg's crypto helpers (its lib/crypto/utils.js, same names and results), as the shared store's
 * bundles use them (esbuild.mjs puts this module in that file's place):
 *
 * - `node:crypto` is loaded on first use, not when the store's bundle loads: a server that
 *   authenticates by peer, trust or password (cleartext) never needs it, and loading it is
 *   5–30 ms of every process on a loaded machine.
 * - Node's own functions (OpenSSL), not WebCrypto's `subtle` (a key import and a promise per
 *   HMAC): the same bytes in a fraction of the time.
 * - SCRAM-SHA-256's SaltedPassword (PBKDF2 of the password, 4096 rounds by default) is
 *   remembered in a private file beside the config (see `rememberScramKeysIn`), so a process
 *   that connects again skips the key derivation. It is only ever an optimisation: the server
 *   still checks the proof and pg still checks the server's signature, and an entry that does
 *   not match (another salt or round count, another password, a file others can read, anything
 *   unreadable) means the full derivation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeCrypto } from '../core/node-crypto';
import { writeFileAtomic } from '../core/atomic-file';

type Bytes = ArrayBuffer | Uint8Array;

const bytes = (b: Bytes | string): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b));

export function randomBytes(length: number): Buffer {
  return nodeCrypto().randomBytes(length);
}

export function md5(text: string | Bytes): Promise<string> {
  return Promise.resolve(nodeCrypto().createHash('md5').update(bytes(text)).digest('hex'));
}

/** AuthenticationMD5Password: `md5` + md5(md5(password + user) + salt), as pg computes it. */
export async function postgresMd5PasswordHash(user: string, password: string, salt: Bytes): Promise<string> {
  const inner = await md5(password + user);
  return `md5${await md5(Buffer.concat([Buffer.from(inner), bytes(salt)]))}`;
}

export function sha256(data: Bytes | string): Promise<Buffer> {
  return Promise.resolve(nodeCrypto().createHash('sha256').update(bytes(data)).digest());
}

/** WebCrypto's names (`SHA-256`), as pg passes them for channel binding, to OpenSSL's (`sha256`). */
export function hashByName(hashName: string, data: Bytes | string): Promise<Buffer> {
  return Promise.resolve(nodeCrypto().createHash(hashName.replace('-', '').toLowerCase()).update(bytes(data)).digest());
}

export function hmacSha256(key: Bytes, msg: string): Promise<Buffer> {
  return Promise.resolve(nodeCrypto().createHmac('sha256', bytes(key)).update(msg, 'utf8').digest());
}

// ------------------------------------------------------------ SCRAM's SaltedPassword, remembered

let keysFile: string | undefined;

/**
 * Where this process remembers SCRAM keys (undefined: nowhere). Set by the store before it
 * connects, from the config file the store was chosen by.
 */
export function rememberScramKeysIn(file: string | undefined): void {
  keysFile = file;
}

/** The most entries the file keeps: one per (role, server) a person uses, the newest first. */
const KEPT = 8;

interface KeyEntry {
  /** The server's salt (base64) and round count: SaltedPassword is a function of them and the password alone. */
  salt: string;
  iterations: number;
  /** HMAC(SaltedPassword, the password): another password than the one it was derived from does not match. */
  check: string;
  key: string;
}

const PASSWORD_CHECK = 'claimboard: the password this SCRAM key was derived from\n';

function passwordCheck(key: Buffer, password: string): string {
  return nodeCrypto()
    .createHmac('sha256', key)
    .update(PASSWORD_CHECK + password, 'utf8')
    .digest('base64');
}

/** The file's entries, or none when it is missing, unreadable, not this user's or readable by others. */
function readKeys(file: string): KeyEntry[] {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || (process.platform !== 'win32' && ((st.mode & 0o077) !== 0 || (process.getuid && st.uid !== process.getuid())))) return [];
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) return [];
    return parsed.keys.filter(
      (e): e is KeyEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as KeyEntry).salt === 'string' &&
        typeof (e as KeyEntry).iterations === 'number' &&
        typeof (e as KeyEntry).check === 'string' &&
        typeof (e as KeyEntry).key === 'string',
    );
  } catch {
    return [];
  }
}

/** Best effort: a key that cannot be remembered is derived again next time. */
function saveKeys(file: string, keys: KeyEntry[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, `${JSON.stringify({ keys: keys.slice(0, KEPT) })}\n`, 'the remembered SCRAM keys', 0o600);
  } catch {
    /* see above */
  }
}

function pbkdf2(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => nodeCrypto().pbkdf2(password, salt, iterations, 32, 'sha256', (e, key) => (e ? reject(e) : resolve(key))));
}

/** SCRAM's SaltedPassword: PBKDF2-HMAC-SHA-256 of the (SASLprep'd) password, remembered per salt and round count. */
export async function deriveKey(password: string, salt: Bytes, iterations: number): Promise<Buffer> {
  const saltBytes = bytes(salt);
  const file = keysFile;
  if (file === undefined) return pbkdf2(password, saltBytes, iterations);
  const saltText = saltBytes.toString('base64');
  const keys = readKeys(file);
  for (const e of keys) {
    if (e.salt !== saltText || e.iterations !== iterations) continue;
    const key = Buffer.from(e.key, 'base64');
    if (key.length === 32 && passwordCheck(key, password) === e.check) return key;
  }
  const key = await pbkdf2(password, saltBytes, iterations);
  saveKeys(file, [{ salt: saltText, iterations, check: passwordCheck(key, password), key: key.toString('base64') }, ...keys]);
  return key;
}
