import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { shellWord } from '../../src/core/shell-word';

/** What /bin/sh makes of the words, one per NUL-terminated field. */
function shellReads(words: string[]): string[] {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${words.map(shellWord).join(' ')}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('shell words', () => {
  it('every text reads back from /bin/sh as itself, one word each (property)', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab/._-:@+,%=~*?[]{}$`"\'\\ \t\n;&|<>()#!^'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), (words) => {
        assert.deepEqual(shellReads(words), words);
      }),
      { numRuns: 40 },
    );
  });

  it('leaves plain paths bare and keeps a first word with = a command, not an assignment', () => {
    assert.equal(shellWord('/home/me/repo/src/a.ts'), '/home/me/repo/src/a.ts');
    const r = spawnSync('/bin/sh', ['-c', `${shellWord('CLAIMBOARD_X=1')}; echo "status $?"`], { encoding: 'utf8' });
    assert.match(r.stdout, /status 127/);
  });
});
