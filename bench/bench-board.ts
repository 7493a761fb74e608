import * as fs from 'node:fs';
import { BoardDocument } from '../src/core/board-format';
import type { ClaimLine } from '../src/core/board-lines';

/** `n` live claims over 20 repositories: folders, files, globs and bare keys, as boards hold them. */
export function benchClaims(n: number, now = Date.now()): ClaimLine[] {
  const claims: ClaimLine[] = [];
  for (let i = 0; i < n; i++) {
    const repo = `repo${i % 20}`;
    const kind = i % 4;
    const p = kind === 0 ? `${repo}/src/mod${i}/**` : kind === 1 ? `${repo}/lib/file${i}.ts` : kind === 2 ? `${repo}/docs/sec${i}/*.md` : `${repo}/pkg${i}`;
    claims.push({ id: `b${i}`, session: `session-${'abcde'[i % 5]}`, path: p, started: new Date(now), expires: new Date(now + 3_600_000), mode: 'exclusive' });
  }
  return claims;
}

/**
 * The benchmarks' board: `benchClaims(n)`, plus the benchmarked session `session-z` holding the
 * file it edits (a session's steady state). bench/hooks.ts and bench/startup.ts time the same board.
 */
export function writeBenchBoard(file: string, n: number): void {
  const now = Date.now();
  const claims = benchClaims(n, now);
  claims.push({ id: 'own', session: 'session-z', path: 'repo8/app/own.ts', started: new Date(now), expires: new Date(now + 3_600_000), mode: 'exclusive' });
  const doc = BoardDocument.create(new Date(now));
  doc.addClaims(claims);
  doc.addSession({ name: 'session-z', externalId: 'uuid-bench', started: new Date(now) });
  fs.writeFileSync(file, doc.serialize());
}
