import * as assert from 'node:assert/strict';
import type { PreToolUseHookInput, SessionEndHookInput } from '@anthropic-ai/claude-agent-sdk' with { 'resolution-mode': 'import' };
import { editedFile, isHookEventArg, parseHookInput } from '../../src/claude/hook-input';

const base = { session_id: '0b9c5e2a-1111-4f00-8000-000000000001', transcript_path: '/t.jsonl', cwd: '/w/repo', permission_mode: 'default' };

describe('hook input parsing', () => {
  it('accepts a PreToolUse payload typed with the official SDK type', () => {
    const payload: PreToolUseHookInput = { ...base, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: '/w/repo/a.ts' }, tool_use_id: 'toolu_1' };
    const r = parseHookInput(JSON.stringify(payload), 'pre-tool-use');
    assert.ok(r.ok);
    assert.equal(r.ok && r.input.hook_event_name, 'PreToolUse');
  });
  it('defaults a missing or unknown SessionEnd reason to other', () => {
    const payload: Omit<SessionEndHookInput, 'reason'> = { ...base, hook_event_name: 'SessionEnd' };
    const r = parseHookInput(JSON.stringify(payload), 'session-end');
    assert.ok(r.ok && r.input.hook_event_name === 'SessionEnd' && r.input.reason === 'other');
  });
  it('rejects with one line: not JSON, not an object, missing fields, wrong event', () => {
    const cases: [string, RegExp][] = [
      ['{oops', /not JSON/],
      ['[1]', /not a JSON object/],
      [JSON.stringify({ cwd: '/x' }), /"session_id"/],
      [JSON.stringify({ ...base, hook_event_name: 'PreToolUse' }), /"tool_name"/],
      [JSON.stringify({ ...base, hook_event_name: 'PreToolUse', tool_name: 'Edit' }), /"tool_input"/],
      [JSON.stringify({ ...base, hook_event_name: 'SessionStart', tool_name: 'Edit', tool_input: {} }), /for SessionStart, not PreToolUse/],
    ];
    for (const [text, re] of cases) {
      const r = parseHookInput(text, 'pre-tool-use');
      assert.ok(!r.ok, text);
      assert.match(!r.ok ? r.error : '', re);
      assert.ok(!r.ok && !r.error.includes('\n'));
    }
  });
  it('knows its events', () => {
    assert.ok(isHookEventArg('pre-tool-use'));
    assert.ok(!isHookEventArg('PreToolUse'));
  });
  it('finds the file an edit tool writes', () => {
    assert.equal(editedFile('Edit', { file_path: '/a' }), '/a');
    assert.equal(editedFile('Write', { file_path: '/b', content: '' }), '/b');
    assert.equal(editedFile('MultiEdit', { file_path: '/c', edits: [] }), '/c');
    assert.equal(editedFile('NotebookEdit', { notebook_path: '/n.ipynb' }), '/n.ipynb');
    assert.equal(editedFile('Read', { file_path: '/a' }), undefined);
    assert.equal(editedFile('Edit', { file_path: 3 }), undefined);
  });
});
