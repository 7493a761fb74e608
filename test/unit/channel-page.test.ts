/** The read-only channel page `npm start` shows beside the editor. */
import * as assert from 'node:assert/strict';
import { renderChannel, startChannelPage, type ChannelPost } from '../support/channel-page';

describe('the channel page of the demo', () => {
  it('shows the posts as a person reads them, threads under their first post, escaped, and changes nothing', async () => {
    const posts: ChannelPost[] = [
      { id: 'p1', rootId: '', author: 'claimbot', at: Date.UTC(2026, 3, 27, 19, 15), message: '[session-a] CLAIM repo/src/** — eta 19:45' },
      { id: 'p2', rootId: '', author: 'claimbot', at: Date.UTC(2026, 3, 27, 19, 16), message: '@me session-a is holding repo/src/a.ts — <b>OK</b> to interrupt?' },
      { id: 'p3', rootId: 'p2', author: 'me', at: Date.UTC(2026, 3, 27, 19, 17), message: 'yes' },
    ];
    const page = await startChannelPage('Claims', () => posts);
    try {
      assert.match(page.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      let r = await fetch(page.url);
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /<meta http-equiv="refresh" content="2">/);
      assert.ok(html.indexOf('CLAIM repo/src/**') < html.indexOf('OK'), 'oldest first');
      assert.match(html, /&#60;b&#62;OK&#60;\/b&#62; to interrupt\?<\/div><\/div><div class="reply"><div class="post"><span class="who">me<\/span>/, 'the answer sits under its question');
      assert.doesNotMatch(html, /<b>OK<\/b>/, 'a post is text, never markup');
      posts.push({ id: 'p4', rootId: '', author: 'claimbot', at: Date.now(), message: '[session-a] RELEASE repo/src/** — done' });
      assert.match(await (await fetch(page.url)).text(), /RELEASE repo\/src\/\*\*/, 'new posts show on the next load');
      r = await fetch(page.url, { method: 'POST', body: 'x' });
      assert.equal(r.status, 405);
      assert.equal(posts.length, 4);
    } finally {
      await page.close();
    }
    assert.match(renderChannel('Claims', []), /No posts yet/);
  });
});
