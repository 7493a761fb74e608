import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { BoardDocument } from '../../src/core/board-format';
import { claimLineMayMeet, skippedClaimLines } from '../../src/core/board-lines';
import { headsMayOverlap, matchHead, normalizeKey } from '../../src/core/overlap';
import { ClaimService } from '../../src/core/claim-service';
import { encodeBoard } from '../../src/core/board-bytes';

// The hot read (`BoardDocument.claimsIn`, the line-skipping expression) against the whole
// document: the same claims, with the same line numbers and times, and the same sessions.
const now = new Date('2026-04-27T19:10:00+00:00');
const seg = fc.constantFrom(
  'repo',
  'Repo',
  'REPO',
  'repo8',
  'src',
  'Src',
  'a.ts',
  'b',
  'ab',
  '*',
  '**',
  '*.ts',
  '{a,b}',
  'a*b*c*d*e',
  'x{1..2000}',
  'é',
  'infra:Homelab',
  '.',
  '',
  '\uDCE9',
  'a\u00A0b',
  '\u2028',
);
const written = fc.tuple(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '', '', '', './', '/', '`', ', repo/b', ' (main file)', '/', ' ')).map(([parts, form]) => {
  const p = parts.join('/');
  if (form === '`') return `\`${p}\``;
  if (form === './' || form === '/') return `${form}${p}`;
  return `${p}${form}`;
});
const session = fc.constantFrom('session-a', 'session-b', 'Session-a', 'session-a--x', 'sé', 's\uDCE9');
const claimLine = fc
  .tuple(
    fc.constantFrom('- ', '- ', '- ', '- ', '* ', '1. ', '  - ', '-\t'),
    session,
    written,
    fc.constantFrom(' (started 19:15) — ', ' (started 19:15) — ', ' — ', ' -- ', ' (started 19:15) – ', '(x) — ', ' ( started ) — ', '\t— ', ' (started — 19:15) — '),
    fc.constantFrom(' — eta ? — lease until 2026-04-27T20:00+00:00', ' — eta ? — lease until 2026-04-27T20:00+00:00 — id b1', '', ' – eta 20:00', ' — shared', ' — eta 19:45', ' — pid 42@host'),
  )
  .map(([item, s, p, sep, tail]) => `${item}${s}${sep}${p}${tail}`);
const other = fc.constantFrom(
  '## Active claims',
  '## Recent releases',
  '## Pinned notes',
  '## Sessions',
  '# Another title',
  '### Something else',
  '#not a heading',
  'Last updated: 2026-04-27T18:00+00:00',
  'Last updated: soon',
  '',
  'a paragraph',
  '- 2026-04-27 18:55 — session-b — repo/src',
  '- session-c (started 2026-04-27T19:00+00:00) — repo: repo — task: t',
  '- a pinned note',
);
const board = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: claimLine }, { weight: 1, arbitrary: other }), { maxLength: 14 }), fc.constantFrom('\n', '\n', '\r\n'), fc.boolean(), fc.boolean())
  .map(([lines, eol, updated, finalEol]) => {
    const head = ['# Claude Session Coordination Board', '', ...(updated ? ['Last updated: 2026-04-27T19:00+00:00', ''] : []), '## Active claims', ''];
    return [...head, ...lines].join(eol) + (finalEol ? eol : '');
  });
const key = fc
  .array(seg, { minLength: 1, maxLength: 3 })
  .map((s) => normalizeKey(s.join('/')))
  .filter((k) => k !== '');

function both(text: string, keys: string[], asker: string | undefined) {
  const keep = (s: string, p: string) => s === asker || keys.some((k) => headsMayOverlap(k, p));
  const heads = keys.map(matchHead);
  const mayKeep = (body: string) => claimLineMayMeet(body, asker, heads);
  const doc = BoardDocument.parse(text, { now });
  const fast = BoardDocument.claimsIn(text, { now }, keep, mayKeep, skippedClaimLines(asker, heads));
  // The store's form: the board's bytes read one character a byte, each line read decoded.
  const bytes = encodeBoard(text, false);
  const latin1 = BoardDocument.claimsIn(bytes.toString('latin1'), { now }, keep, mayKeep, skippedClaimLines(asker, heads, 'latin1'), bytes);
  return { fast, latin1, whole: { claims: doc.claimsWhere(keep), sessions: [...doc.sessions] } };
}

describe('the hot board read', () => {
  it('finds the same claims (lines, times) and sessions as the whole document, on tool-written and hand-written boards (property)', () => {
    fc.assert(
      fc.property(board, fc.array(key, { maxLength: 3 }), fc.option(session, { nil: undefined }), (text, keys, asker) => {
        const { fast, latin1, whole } = both(text, keys, asker);
        assert.deepEqual(fast.claims, whole.claims, `${keys.join(' ')} / ${asker}`);
        assert.deepEqual(fast.sessions, whole.sessions);
        assert.deepEqual(latin1.claims, whole.claims, `bytes: ${keys.join(' ')} / ${asker}`);
        assert.deepEqual(latin1.sessions, whole.sessions);
      }),
      { numRuns: 1500 },
    );
  });

  it('skips only lines the pre-filter drops, and skips the plain lines that meet nothing asked', () => {
    const line = (p: string, s = 'session-a') => `- ${s} (started 19:15) — ${p} — eta ? — lease until 2026-04-27T20:00+00:00\n`;
    const skips = (text: string, asker: string | undefined, keys: string[]) => {
      const re = skippedClaimLines(asker, keys.map(matchHead));
      re.lastIndex = 0;
      return re.exec(text)?.[0].length === text.length;
    };
    assert.equal(skips(line('repo3/src/mod3/**'), 'session-z', ['repo8/src/a.ts']), true);
    assert.equal(skips(line('repo3/src/mod3/**') + line('repo4/lib/x.ts'), undefined, ['repo8/src/a.ts']), true, 'a run of lines at once');
    assert.equal(skips(line('repo3/src/mod3/**'), 'session-a', ['repo8/src/a.ts']), false, "the asking session's own claims are read");
    assert.equal(skips(line('repo3/src/mod3/**'), 'session-z', ['REPO3/src/mod3/x.ts']), false, 'a repository name in any case');
    assert.equal(skips(line('repo3/src/mod3/**'), 'session-z', ['repo3/src']), false, 'a claim inside the folder asked for');
    assert.equal(skips(line('repo3/src'), 'session-z', ['repo3/src/a.ts']), false, 'a folder claim around the file asked for');
    assert.equal(skips(line('repo3/s*/x.ts'), 'session-z', ['repo3/src/a.ts']), false, 'a pattern whose first wildcard is in a folder on the way');
    assert.equal(skips(line('repo3/src/a.ts'), 'session-z', ['repo3/srcé/a.ts']), false, 'non-ASCII in the key asked for meets anything');
    for (const [body, asker, keys] of [
      [line('repo3/src/mod3/**'), 'session-z', ['repo8/src/a.ts']],
      [line('repo4/lib/x.ts', 'session-b'), 'session-a', ['repo8']],
    ] as const) {
      assert.equal(claimLineMayMeet(body.slice(2, -1), asker, keys.map(matchHead)), false, body);
    }
  });

  it("ClaimService.check reads the board file that way and answers as the whole board's claims do", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-near-'));
    try {
      const boardPath = path.join(dir, 'board.md');
      const lines = Array.from({ length: 300 }, (_, i) => `- session-${'abc'[i % 3]} (started 19:00) — repo${i % 7}/src/m${i}/** — eta ? — lease until 2026-04-27T20:00:00+00:00`);
      lines.splice(150, 0, '- session-d (started 19:00) — Repo3/src/m99 — eta 19:50');
      fs.writeFileSync(
        boardPath,
        `# Claude Session Coordination Board\n\nLast updated: 2026-04-27T19:00:00+00:00\n\n## Active claims\n\n${lines.join('\n')}\n\n## Recent releases\n\n## Pinned notes\n`,
      );
      const service = new ClaimService({ boardPath, now: () => now });
      const hits = service.check('session-z', ['repo3/src/m99/a.ts']);
      assert.deepEqual(
        hits.map((h) => [h.holder.session, h.holder.path, h.holder.line]),
        [['session-d', 'Repo3/src/m99', 157]],
      );
      const all = service.status().claims.filter((c) => headsMayOverlap('repo3/src/m99/a.ts', c.path));
      assert.deepEqual(service.near(['repo3/src/m99/a.ts']).claims, all);
      // A byte order mark, non-ASCII and a byte that is not UTF-8: the lines read decode as the whole board does.
      const text = fs.readFileSync(boardPath, 'utf8').replace('Repo3/src/m99', 'Repo3/src/m99é').replace('session-a (started 19:00) — repo0', 'session-a (started 19:00) — \uDCE9/repo0');
      fs.writeFileSync(boardPath, encodeBoard(text, true));
      assert.deepEqual(
        service.check('session-z', ['repo3/src/m99é/a.ts', '\uDCE9/repo0/src/m0/a.ts']).map((h) => h.holder.path),
        ['Repo3/src/m99é', '\uDCE9/repo0/src/m0/**'],
      );
      assert.deepEqual(
        service.near(['Repo3/src/m99é/a.ts', '\uDCE9/repo0']).claims,
        service.status().claims.filter((c) => ['Repo3/src/m99é/a.ts', '\uDCE9/repo0'].some((k) => headsMayOverlap(k, c.path))),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
