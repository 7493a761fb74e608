import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { BoardDocument } from '../../src/core/board-format';
import { formatClaimLine } from '../../src/core/board-lines';
import { validateField, validateSessionName } from '../../src/core/fields';
import { parseTime } from '../../src/core/duration';
import { must } from '../../src/core/errors';

const SEED = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'seed-board.md'), 'utf8');

describe('board format', () => {
  describe('the seed board', () => {
    const doc = BoardDocument.parse(SEED);

    it('parses to 2 active claims, 2 releases and 1 pinned note with no problems', () => {
      assert.equal(doc.claims.length, 2);
      assert.equal(doc.releases.length, 2);
      assert.equal(doc.notes.length, 1);
      assert.deepEqual(doc.problems, []);
    });

    it('serializes back byte-identical', () => {
      assert.equal(doc.serialize(), SEED);
    });

    it('reads the fields of a hand-written claim with sensible defaults', () => {
      const a = must(doc.claims[0], 'the first claim');
      assert.equal(a.session, 'session-a');
      assert.equal(a.path, 'home_k3s_cluster/kubernetes/apps/longhorn/*');
      assert.equal(a.mode, 'exclusive');
      assert.equal(a.line, 7);
      assert.equal(a.leaseDerived, true);
      // Times belong to the board's day (Last updated), in local time.
      assert.equal(a.started.getHours(), 19);
      assert.equal(a.started.getMinutes(), 15);
      assert.equal(a.eta!.getHours(), 19);
      assert.equal(a.eta!.getMinutes(), 45);
      // No lease written: ETA plus the 60 minute TTL.
      assert.equal(a.expires.getTime() - a.eta!.getTime(), 60 * 60_000);
    });

    it('reads releases newest first and the pinned note with its em dash intact', () => {
      assert.equal(doc.releases[0]?.session, 'session-b');
      assert.equal(doc.releases[0]?.path, 'openclaw-v2/workers/dream-worker');
      assert.equal(doc.releases[1]?.path, 'home_k3s_cluster/terraform/environments/homelab-prod');
      assert.match(must(doc.notes[0], 'the pinned note').text, /^Don't run `terraform apply` .* — pending change review$/);
    });

    it('reads Last updated with its offset', () => {
      assert.equal(doc.lastUpdated!.toISOString(), '2026-04-27T23:42:00.000Z');
    });
  });

  it('reads HH:MM on a board line as a typed time is read: one clock reader', () => {
    const now = new Date(2026, 3, 27, 8, 0);
    const startOf = (text: string) => BoardDocument.parse(`## Active claims\n\n- s1 (started ${text}) — repo/a — eta ?\n`, { now });
    for (const text of ['9:05', '09:05', '23:59']) {
      const doc = startOf(text);
      assert.deepEqual(doc.problems, [], text);
      const typed = parseTime(text, now);
      const { started } = must(doc.claims[0], 'the claim');
      assert.deepEqual([started.getHours(), started.getMinutes()], [typed.getHours(), typed.getMinutes()], text);
    }
    for (const text of ['+9:05', '9.:05', '9: 5', '24:00', '9:60']) {
      assert.match(
        startOf(text)
          .problems.map((p) => p.message)
          .join(),
        /bad start time/,
        text,
      );
      assert.throws(() => parseTime(text, now), /bad time/, text);
    }
  });

  it('gives callers the lists read-only: the lines are the truth', () => {
    const doc = BoardDocument.parse(SEED);
    // @ts-expect-error releases are rebuilt from the lines; an edit goes through addReleases
    doc.releases.push(doc.releases[0]);
    // @ts-expect-error notes change through addNote and removeLines
    doc.notes.pop();
    // @ts-expect-error sessions change through addSession
    doc.sessions.length = 0;
    // @ts-expect-error claims change through addClaims and replaceLine
    doc.claims.splice(0);
  });

  it('keeps CRLF line endings through parse, edit and serialize', () => {
    const crlf = SEED.replace(/\n/g, '\r\n');
    const doc = BoardDocument.parse(crlf);
    assert.equal(doc.claims.length, 2);
    assert.equal(doc.serialize(), crlf);
    doc.addNote('second note');
    const out = doc.serialize();
    assert.ok(out.includes('- second note\r\n'));
    assert.ok(!/[^\r]\n/.test(out), 'every line still ends in CRLF');
  });

  it('accepts odd spacing, * bullets, en dashes and case in headings', () => {
    const text = [
      '#  Claude Session Coordination Board',
      '',
      'Last updated:   2026-04-27T19:42:00-04:00',
      '',
      '##   active CLAIMS  ',
      '',
      '*   session-x   (started 9:05)  –  repo/a/*  --  eta 9:30',
      '',
      '## Recent Releases',
      '',
    ].join('\n');
    const doc = BoardDocument.parse(text);
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.claims.length, 1);
    assert.equal(doc.claims[0]?.session, 'session-x');
    assert.equal(doc.claims[0]?.path, 'repo/a/*');
    assert.equal(doc.claims[0]?.eta?.getHours(), 9);
    assert.equal(doc.serialize(), text);
  });

  it('reports garbage with line numbers and keeps it byte for byte', () => {
    const text = '## Active claims\n\n- ??? no separators here\n- session-a (started 10:00) — repo/x — eta 25:99\n\n## Recent releases\n\n- yesterday — someone\n';
    const doc = BoardDocument.parse(text, { now: new Date('2026-05-01T12:00:00') });
    assert.deepEqual(
      doc.problems.map((p) => p.line),
      [3, 4, 8],
    );
    assert.match(must(doc.problems[1], 'the second problem').message, /bad eta/);
    assert.equal(doc.claims.length, 1, 'a claim with a bad ETA is still a claim');
    assert.equal(doc.serialize(), text);
  });

  it('keeps unknown sections and lines when claims are added and removed', () => {
    const text = SEED + '\n## Deploy log\n\nfree text the tool does not know\n  - nested item\n';
    const doc = BoardDocument.parse(text);
    doc.addClaims([{ session: 'session-z', path: 'repo/new', started: new Date(), expires: new Date(Date.now() + 3600_000), mode: 'exclusive', id: 'abc123' }]);
    doc.removeLines([must(doc.claims[0], 'the first claim').line]);
    const out = doc.serialize();
    assert.ok(out.endsWith('\n## Deploy log\n\nfree text the tool does not know\n  - nested item\n'));
    assert.ok(out.includes('- session-c (started 19:30) — zolty-blog/hugo/content/posts/* — eta 20:00\n'));
    assert.ok(out.includes('— repo/new —'));
  });

  it('adds missing sections when writing into a board that lacks them', () => {
    const doc = BoardDocument.parse('# My board\n\nsome intro\n');
    doc.addReleases([{ at: new Date('2026-05-01T10:00:00'), session: 's', path: 'p' }]);
    doc.setLastUpdated(new Date('2026-05-01T10:00:00'));
    const again = BoardDocument.parse(doc.serialize());
    assert.equal(again.releases.length, 1);
    assert.ok(again.serialize().startsWith('# My board\n\nLast updated: 2026-05-01T10:00:00'));
    assert.ok(again.serialize().includes('some intro'));
  });

  it('writes tool lines that still read as the seed line and parse back to the same claim', () => {
    const started = new Date('2026-05-01T19:15:00');
    const line = formatClaimLine({
      id: 'k3x9q1',
      session: 'session-a',
      path: 'repo/src/**',
      started,
      eta: new Date('2026-05-01T19:45:00'),
      expires: new Date('2026-05-01T20:15:00'),
      mode: 'shared',
      reason: 'parser',
      pid: 42,
      host: 'box',
    });
    assert.match(line, /^- session-a \(started 19:15\) — repo\/src\/\*\* — eta 19:45 — lease until 2026-05-01T20:15:00/);
    const doc = BoardDocument.parse(`## Active claims\n\n${line}\n`);
    const c = must(doc.claims[0], 'the claim');
    assert.deepEqual(
      { id: c.id, mode: c.mode, reason: c.reason, pid: c.pid, host: c.host, started: c.started.getTime(), expires: c.expires.getTime(), derived: c.leaseDerived },
      { id: 'k3x9q1', mode: 'shared', reason: 'parser', pid: 42, host: 'box', started: started.getTime(), expires: new Date('2026-05-01T20:15:00').getTime(), derived: false },
    );
  });

  it('refuses names and paths that could forge a line', () => {
    assert.match(validateField('path', 'a\nb')!, /line break/);
    assert.match(validateField('path', 'a — b')!, /separator/);
    assert.equal(validateField('path', 'repo/src/**'), undefined);
    assert.ok(validateSessionName('bad name'));
    assert.ok(validateSessionName('x(y)'));
    assert.equal(validateSessionName('session-a'), undefined);
  });

  describe('properties', () => {
    const safeText = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' '));
    const knownLine = fc.constantFrom('- session-a (started 19:15) — repo/a/* — eta 19:45', '- 2026-04-27 18:55 — session-b — repo/b', '- pinned: keep calm', '');
    const heading = fc.constantFrom('## Active claims', '## Recent releases', '## Pinned notes', '## Sessions', '## Other things', '# Title');
    const line = fc.oneof(
      knownLine,
      heading,
      safeText,
      safeText.map((s) => `- ${s}`),
    );
    const board = fc
      .record({ lines: fc.array(line, { maxLength: 40 }), crlf: fc.boolean(), finalNewline: fc.boolean() })
      .map(({ lines, crlf, finalNewline }) => lines.join(crlf ? '\r\n' : '\n') + (finalNewline && lines.length ? (crlf ? '\r\n' : '\n') : ''));

    it('parse → serialize is the identity and parse is stable', () => {
      fc.assert(
        fc.property(board, (text) => {
          const once = BoardDocument.parse(text, { now: new Date('2026-05-01T12:00:00') });
          assert.equal(once.serialize(), text);
          const twice = BoardDocument.parse(once.serialize(), { now: new Date('2026-05-01T12:00:00') });
          assert.deepEqual(twice.claims, once.claims);
          assert.deepEqual(twice.problems, once.problems);
        }),
        { numRuns: 300 },
      );
    });

    it('never loses a line it does not understand when the tool writes', () => {
      fc.assert(
        fc.property(board, (text) => {
          const doc = BoardDocument.parse(text, { now: new Date('2026-05-01T12:00:00') });
          const understood = new Set([...doc.claims.map((c) => c.line), ...doc.releases.map((r) => r.line), ...doc.notes.map((n) => n.line)]);
          const unknown = text
            .split('\n')
            .map((l) => l.replace(/\r$/, ''))
            .filter((l, i) => !understood.has(i + 1) && l.trim() !== '' && !/^Last updated:/i.test(l.trim()));
          doc.addClaims([{ session: 'session-q', path: 'repo/q', started: new Date(), expires: new Date(Date.now() + 60_000), mode: 'exclusive', id: 'q1' }]);
          doc.addReleases([{ at: new Date(), session: 'session-q', path: 'repo/r' }]);
          doc.addNote('new note');
          doc.setLastUpdated(new Date());
          const after = doc
            .serialize()
            .split('\n')
            .map((l) => l.replace(/\r$/, ''));
          let at = 0;
          for (const u of unknown) {
            const found = after.indexOf(u, at);
            assert.ok(found >= 0, `lost line: ${JSON.stringify(u)}`);
            at = found + 1;
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
