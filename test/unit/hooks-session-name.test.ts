import * as assert from 'node:assert/strict';
import { chooseSessionName } from '../../src/claude/session-name';
import type { SessionRecord } from '../../src/core/model';

const t0 = new Date('2026-04-27T19:00:00Z');
function rec(name: string, externalId: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return { name, externalId, started: t0, line: 1, ...extra };
}

describe('session naming', () => {
  it('takes the first free letter', () => {
    assert.deepEqual(chooseSessionName([], [], 'u1'), { name: 'session-a', reused: false });
    assert.equal(chooseSessionName([rec('session-a', 'u1')], [], 'u2').name, 'session-b');
    assert.equal(chooseSessionName([rec('session-a', 'u1'), rec('session-c', 'u3')], [], 'u4').name, 'session-b');
  });
  it('skips names held by live claims even without a session record (hand-written board lines)', () => {
    assert.equal(chooseSessionName([], ['session-a', 'session-b'], 'u1').name, 'session-c');
  });
  it('reuses a letter whose session ended', () => {
    assert.equal(chooseSessionName([rec('session-a', 'u1', { ended: t0 })], [], 'u2').name, 'session-a');
  });
  it('gives the same name again to the same session_id (resume, compact), even after it ended', () => {
    const sessions = [rec('session-a', 'u1'), rec('session-b', 'u2', { ended: t0 })];
    assert.deepEqual(chooseSessionName(sessions, ['session-a'], 'u2'), { name: 'session-b', reused: true });
    assert.deepEqual(chooseSessionName(sessions, ['session-a'], 'u1'), { name: 'session-a', reused: true });
  });
  it('does not reuse a name another live session took meanwhile', () => {
    const sessions = [rec('session-a', 'u1', { ended: t0 }), rec('session-a', 'u2')];
    assert.equal(chooseSessionName(sessions, [], 'u1').name, 'session-b');
  });
  it('CLAIMBOARD_SESSION wins', () => {
    assert.deepEqual(chooseSessionName([rec('session-a', 'u1')], [], 'u1', 'alice'), { name: 'alice', reused: false });
  });
  it('goes on with two letters after z', () => {
    const sessions = 'abcdefghijklmnopqrstuvwxyz'.split('').map((c, i) => rec(`session-${c}`, `u${i}`));
    assert.equal(chooseSessionName(sessions, [], 'new').name, 'session-aa');
  });
});
