/**
 * Whose process a `pid N@host` on the board is. The host name alone collides: cloned VMs and
 * containers often share one, and each would then read the other's live claims as dead (its
 * pid is not running here) and free them. The identity written is `<host name>:<8 hex>`, the
 * hex a digest of this boot (Linux boot id) and this pid namespace, so only a process that could
 * really be checked with kill(pid, 0) here is. Lines written before (`pid N@host`) stay
 * readable and are matched by host name, as they always were.
 */
import { nodeCrypto } from './node-crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';

let cached: string | undefined;

function readOr(file: string, how: 'file' | 'link'): string {
  try {
    return how === 'file' ? fs.readFileSync(file, 'utf8').trim() : fs.readlinkSync(file);
  } catch {
    return '';
  }
}

/** This machine and pid namespace, as written after `pid N@` on the board. */
export function livenessHost(hostname: string = os.hostname()): string {
  if (hostname === os.hostname() && cached) return cached;
  const boot = readOr('/proc/sys/kernel/random/boot_id', 'file');
  const pidns = readOr('/proc/self/ns/pid', 'link');
  // Without /proc (macOS, Windows) there is nothing better than the name.
  const id = boot || pidns ? `${hostname}:${nodeCrypto().createHash('sha256').update(`${boot}\n${pidns}`).digest('hex').slice(0, 8)}` : hostname;
  if (hostname === os.hostname()) cached = id;
  return id;
}

/** True when a holder recorded as `recorded` runs where `mine` (a livenessHost) can see its pid. */
export function sameLivenessHost(recorded: string | undefined, mine: string): boolean {
  if (recorded === undefined) return false;
  if (recorded === mine) return true;
  // An older line: only the host name was written.
  return !recorded.includes(':') && recorded === mine.split(':')[0];
}

/** Is this process on this host alive? (EPERM: it exists but belongs to someone else.) */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
