/**
 * The one way claimboard replaces a file it owns (the board, its backup, the outbox): every
 * byte is written to a temporary file in the same folder, fsynced, and renamed over the
 * target. A short write (a nearly full disk) is retried until every byte is down or fails;
 * on any failure the temporary file is removed and the target is left as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A known environment problem with a file claimboard must write or read: the message names
 * the file and says how to fix it. The CLI prints it as is (exit 1), never as "unexpected".
 */
export class FileAccessError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'FileAccessError';
  }
}

/** One line naming `what` (e.g. "the board /x/coordination.md") and the fix for `code`. */
export function describeFileError(what: string, file: string, e: unknown, doing: 'write' | 'read' = 'write'): FileAccessError {
  const err = e as NodeJS.ErrnoException;
  if (err instanceof FileAccessError) return err;
  const code = err?.code;
  const dir = path.dirname(file);
  let msg: string;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      msg = `cannot ${doing} ${what} ${file}: the disk is full (${code}); free space on ${dir} and try again (the file was left as it was)`;
      break;
    case 'EROFS':
      msg = `cannot ${doing} ${what} ${file}: its folder is on a read-only file system (EROFS); point CLAIMBOARD_BOARD (or --board) at a writable folder`;
      break;
    case 'EACCES':
    case 'EPERM':
      msg = `cannot ${doing} ${what} ${file}: permission denied (${code}); make ${dir} and the file writable by this user, or point CLAIMBOARD_BOARD (or --board) elsewhere`;
      break;
    case 'EISDIR':
      msg = `cannot ${doing} ${what} ${file}: that path is a folder (EISDIR); give the board's file name (e.g. ${path.join(file, 'coordination.md')})`;
      break;
    case 'ENOTDIR':
      msg = `cannot ${doing} ${what} ${file}: a part of its folder path is a file (ENOTDIR); point CLAIMBOARD_BOARD (or --board) at a path inside a folder`;
      break;
    default:
      msg = `cannot ${doing} ${what} ${file}: ${(err?.message ?? String(e)).split('\n')[0]}`;
  }
  return new FileAccessError(file, code, msg);
}

/** `.<name>.<pid>.<random>.tmp` beside `file`: the pid lets a later writer remove a dead writer's leftovers. */
function tempPathFor(file: string): string {
  // Opened with 'wx', so the name only has to differ from this process's other temporaries:
  // no node:crypto for it (loading it was a sixth of a hook call that writes).
  const random = `${(++tempCount).toString(16)}${Math.floor(Math.random() * 0x1000000).toString(16)}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${random}.tmp`);
}
let tempCount = 0;

/** Writes every byte of `data` to `fd`; a short count is continued, a zero-byte write is a full disk. */
export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    const n = fs.writeSync(fd, data, off, data.length - off);
    if (n <= 0) throw Object.assign(new Error('no space left on device (short write)'), { code: 'ENOSPC' });
    off += n;
  }
}

/**
 * Writes `data` to a new temporary file beside `file` and returns its path; nothing is left
 * behind when this throws. `mode` defaults to the target's current mode (or 0644).
 */
export function writeTemp(file: string, data: Uint8Array | string, what: string, mode?: number): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (mode === undefined) {
    mode = 0o644;
    try {
      mode = fs.statSync(file).mode & 0o777;
    } catch {
      /* a new file */
    }
  }
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    writeAll(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    return tmp;
  } catch (e) {
    if (fd !== undefined)
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    fs.rmSync(tmp, { force: true });
    throw describeFileError(what, file, e);
  }
}

/** Renames a finished temporary file over `file` and syncs the folder; removes the temp on failure. */
export function commitTemp(tmp: string, file: string, what: string): void {
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw describeFileError(what, file, e);
  }
  syncDir(path.dirname(file));
}

/** Replaces `file` with `data`, all or nothing. */
export function writeFileAtomic(file: string, data: Uint8Array | string, what: string, mode?: number): void {
  commitTemp(writeTemp(file, data, what, mode), file, what);
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse to fsync a directory; the rename itself is still atomic.
  }
}

/** Temporary files of writers killed before their rename; only a dead pid's are removed. */
export function removeOrphanTemps(file: string): void {
  const prefix = `.${path.basename(file)}.`;
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}
