import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { INTEGRATION } = require('../suites.cjs') as { INTEGRATION: string[] };

describe('the test suites', () => {
  it('every file test:integration names exists, so a renamed one is never silently skipped by both suites', () => {
    assert.ok(INTEGRATION.length > 0);
    for (const file of INTEGRATION) assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} (test/suites.cjs) does not exist`);
  });

  it('test:unit leaves out exactly the integration files, and npm test runs both', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts['test:unit'] ?? '', /mocharc\.unit\.cjs/);
    assert.match(pkg.scripts['test:integration'] ?? '', /mocharc\.integration\.cjs/);
    assert.match(pkg.scripts.test ?? '', /npm run test:unit && npm run test:integration/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.deepEqual((require('../mocharc.unit.cjs') as { ignore: string[] }).ignore, INTEGRATION);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.deepEqual((require('../mocharc.integration.cjs') as { spec: string[] }).spec, INTEGRATION);
  });
});
