/**
 * The store holder's answer is PostgreSQL's text of a row put into JSON as it is
 * (src/store-pg/holder.ts, rowJson): what `pg` gives the CLI for the hot reads' columns, one line.
 */
import * as assert from 'node:assert/strict';
import type pg from 'pg';
import { rowJson } from '../../src/store-pg/holder';

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
