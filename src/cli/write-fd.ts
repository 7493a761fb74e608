import * as fs from 'node:fs';

/**
 * Writes straight to the file descriptor: creating process.stdout's stream costs a hook call
 * a few milliseconds. A pipe that would block (EAGAIN) gets the rest through the stream.
 */
export function writeFd(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  try {
    while (off < buf.length) off += fs.writeSync(fd, buf, off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
  }
}
