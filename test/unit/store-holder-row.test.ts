/**
 * The store holder's answer is PostgreSQL's text of a row put into JSON as it is
 * (src/store-pg/holder.ts, rowJson): what `pg` gives the CLI for the hot reads' columns, one line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type pg from 'pg';
import { rowJson } from '../../src/store-pg/holder';
import { askHolder } from '../../src/store-pg/holder-client';

function result(fields: [string, number][], row: (string | null)[] | undefined): pg.QueryArrayResult<(string | null)[]> {
  return { rows: row ? [row] : [], fields: fields.map(([name, dataTypeID]) => ({ name, dataTypeID })) } as unknown as pg.QueryArrayResult<(string | null)[]>;
}

describe('the store holder: a row as JSON, from PostgreSQL text', () => {
  it('json and numbers as they are, booleans as booleans, anything else a string, null as null; one line', () => {
    const json = '[{"path": "repo/a.ts", "reason": "line\\nbreak"}, \n {"path": "repo/b.ts"}]';
    const text = rowJson(
      result(
        [
          ['claims', 114],
          ['doc', 3802],
          ['version', 23],
          ['small', 21],
          ['ratio', 701],
          ['odd', 701],
          ['ok', 16],
          ['no', 16],
          ['now', 25],
          ['at', 1184],
          ['big', 20],
          ['gone', 114],
        ],
        [json, '{"a": 1}', '1', '-2', '1.5e+100', 'NaN', 't', 'f', 'it "quoted"', '2026-11-30 14:00:00+00', '9007199254740993', null],
      ),
    );
    assert.ok(!text.includes('\n'), 'one line');
    assert.deepEqual(JSON.parse(text), {
      claims: [{ path: 'repo/a.ts', reason: 'line\nbreak' }, { path: 'repo/b.ts' }],
      doc: { a: 1 },
      version: 1,
      small: -2,
      ratio: 1.5e100,
      odd: 'NaN',
      ok: true,
      no: false,
      now: 'it "quoted"',
      at: '2026-11-30 14:00:00+00',
      big: '9007199254740993',
      gone: null,
    });
  });

  it('no row is null', () => {
    assert.equal(rowJson(result([['version', 23]], undefined)), 'null');
  });
});

describe('the store holder client: reading an answer', () => {
  let dir: string;
  let server: net.Server | undefined;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimboard-holder-answer-'))));
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an answer of megabytes in many pieces is read whole, up to its line end only', async () => {
    const socket = path.join(dir, 'h.sock');
    const claims = Array.from({ length: 20_000 }, (_, i) => ({ session: `session-${i % 7}`, path: `repo/src/mod${i}/file.ts`, reason: 'x'.repeat(i % 50) }));
    const text = JSON.stringify({ row: { version: 1, claims } });
    server = net.createServer((conn) => {
      conn.once('data', () => {
        // Pieces of odd sizes, each written after the last was sent; what follows the line end is not the answer.
        const pieces: string[] = [];
        for (let at = 0; at < text.length; at += 65_537) pieces.push(text.slice(at, at + 65_537));
        pieces.push('\n{"row": "not this one"}\n');
        const next = (): void => {
          const p = pieces.shift();
          if (p !== undefined) conn.write(p, () => setImmediate(next));
        };
        next();
      });
    });
    await new Promise<void>((r) => server!.listen(socket, r));
    assert.ok(text.length > 1_000_000);
    const got = await askHolder(socket, { url: 'postgres://x', text: 'select 1', values: [] }, 10_000);
    assert.ok('row' in got, JSON.stringify(got).slice(0, 200));
    assert.deepEqual(got.row, { version: 1, claims });
  });
});
