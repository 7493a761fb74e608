/**
 * The shared store's bundles put src/store-pg/pg-crypto.ts in the place of pg's own crypto
 * helpers (WebCrypto): every function must give pg the same bytes, and SCRAM's SaltedPassword,
 * when remembered, must be the one the password gives, or be derived again.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ours from '../../src/store-pg/pg-crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pgs = require('pg/lib/crypto/utils') as {
  randomBytes(n: number): Buffer;
  md5(text: string | Buffer): Promise<string>;
  postgresMd5PasswordHash(user: string, password: string, salt: Buffer): Promise<string>;
  sha256(data: ArrayBuffer | Buffer): Promise<ArrayBuffer>;
  hashByName(name: string, data: Buffer): Promise<ArrayBuffer>;
  hmacSha256(key: ArrayBuffer | Buffer, msg: string): Promise<ArrayBuffer>;
  deriveKey(password: string, salt: Buffer, iterations: number): Promise<ArrayBuffer>;
};

const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');

describe("the shared store's crypto for pg", function () {
  this.timeout(20_000);
  afterEach(() => ours.rememberScramKeysIn(undefined));

  it("gives the same bytes as pg's own helpers", async () => {
    const salt = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    assert.equal(hex(await ours.deriveKey('pä$$ wörd', salt, 4096)), hex(await pgs.deriveKey('pä$$ wörd', salt, 4096)));
    const key = await pgs.deriveKey('secret', salt, 4096);
    assert.equal(hex(await ours.hmacSha256(key, 'Client Key')), hex(await pgs.hmacSha256(key, 'Client Key')));
    const clientKey = await pgs.hmacSha256(key, 'Client Key');
    assert.equal(hex(await ours.sha256(clientKey)), hex(await pgs.sha256(clientKey)));
    for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) assert.equal(hex(await ours.hashByName(name, salt)), hex(await pgs.hashByName(name, salt)), name);
    assert.equal(await ours.postgresMd5PasswordHash('me', 'secret', salt.subarray(0, 4)), await pgs.postgresMd5PasswordHash('me', 'secret', salt.subarray(0, 4)));
    assert.equal(ours.randomBytes(18).length, 18);
  });

  it('remembers a SaltedPassword in a private file, and derives again for another salt, round count or password', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pg-crypto-')), 'claimboard');
    const file = path.join(dir, 'store-scram-keys.json');
    ours.rememberScramKeysIn(file);
    const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const right = hex(await pgs.deriveKey('secret', salt, 4096));

    assert.equal(hex(await ours.deriveKey('secret', salt, 4096)), right);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.ok(!fs.readFileSync(file, 'utf8').includes('secret'));

    // What is remembered is used: a planted key for this salt and password is what comes back.
    const entry = (JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: { key: string }[] }).keys[0]!;
    assert.equal(Buffer.from(entry.key, 'base64').toString('hex'), right);

    // Another password with the same salt: not the remembered key, the password's own.
    assert.equal(hex(await ours.deriveKey('other', salt, 4096)), hex(await pgs.deriveKey('other', salt, 4096)));
    assert.equal(hex(await ours.deriveKey('secret', salt, 4096)), right);
    // Another round count, another salt.
    assert.equal(hex(await ours.deriveKey('secret', salt, 4097)), hex(await pgs.deriveKey('secret', salt, 4097)));
    const salt2 = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');
    assert.equal(hex(await ours.deriveKey('secret', salt2, 4096)), hex(await pgs.deriveKey('secret', salt2, 4096)));
  });

  it('a remembered key that does not match its password, or a file others can read, is not used', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-crypto-'));
    const file = path.join(dir, 'store-scram-keys.json');
    ours.rememberScramKeysIn(file);
    const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const right = hex(await pgs.deriveKey('secret', salt, 4096));
    await ours.deriveKey('secret', salt, 4096);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: { key: string; check: string }[] };

    // A key that is not the password's (a corrupted or planted file): its check fails, so derived again.
    const wrongKey = { keys: saved.keys.map((k) => ({ ...k, key: Buffer.alloc(32, 7).toString('base64') })) };
    fs.writeFileSync(file, JSON.stringify(wrongKey), { mode: 0o600 });
    assert.equal(hex(await ours.deriveKey('secret', salt, 4096)), right);

    // A file other users can read is not trusted, even with the right key in it.
    const planted = { keys: [{ ...saved.keys[0]!, key: Buffer.alloc(32, 9).toString('base64') }] };
    planted.keys[0]!.check = (await import('node:crypto')).createHmac('sha256', Buffer.alloc(32, 9)).update('claimboard: the password this SCRAM key was derived from\nsecret').digest('base64');
    fs.writeFileSync(file, JSON.stringify(planted), { mode: 0o600 });
    assert.equal(hex(await ours.deriveKey('secret', salt, 4096)), hex(Buffer.alloc(32, 9)), 'a private file is used as it is');
    fs.writeFileSync(file, JSON.stringify(planted));
    fs.chmodSync(file, 0o644);
    assert.equal(hex(await ours.deriveKey('secret', salt, 4096)), right);

    fs.writeFileSync(file, 'not json');
    fs.chmodSync(file, 0o600);
    assert.equal(hex(await ours.deriveKey('secret', salt, 4096)), right);
  });
});
