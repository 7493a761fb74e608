/**
 * Which claims cover a path, fast enough to ask for every file of a large workspace (the
 * editor's badges) and on every tool call (the hooks).
 *
 * Claims are filed in a trie under their literal leading segments, so a path only meets the
 * claims that share its leading folders; each glob is compiled once, by the same matcher the
 * overlap test uses.
 */
import { coverMatcher, splitOutsideGroups } from './glob';
import { isGlob, matchKey } from './overlap';

interface Entry<T> {
  item: T;
  /** Undefined for literal keys: reaching their node means the path is at or below them. */
  test?: (path: string) => boolean;
}

interface Node<T> {
  children: Map<string, Node<T>>;
  entries: Entry<T>[];
  /** Claims strictly below this folder (for the editor's lighter folder mark). */
  below: T[];
}

function node<T>(): Node<T> {
  return { children: new Map(), entries: [], below: [] };
}

export class ClaimIndex<T extends { path: string }> {
  private readonly root: Node<T> = node();
  readonly size: number;

  constructor(items: Iterable<T>) {
    let n = 0;
    for (const item of items) {
      this.add(item);
      n++;
    }
    this.size = n;
  }

  private add(item: T): void {
    const key = matchKey(item.path);
    const segs = splitOutsideGroups(key);
    let at = this.root;
    let i = 0;
    for (; i < segs.length; i++) {
      const seg = segs[i];
      if (seg === undefined || isGlob(seg)) break;
      if (i > 0) at.below.push(item);
      let next = at.children.get(seg);
      if (!next) at.children.set(seg, (next = node()));
      at = next;
    }
    if (i === segs.length) {
      at.entries.push({ item });
    } else {
      if (i > 0) at.below.push(item);
      at.entries.push({ item, test: coverMatcher(key) });
    }
  }

  /** Every claim that covers the path key, in board order within each folder level. */
  covering(pathKey: string): T[] {
    const key = matchKey(pathKey);
    const segs = key.split('/');
    const out: T[] = [];
    let at: Node<T> | undefined = this.root;
    for (let i = 0; at; i++) {
      for (const e of at.entries) if (!e.test || e.test(key)) out.push(e.item);
      const seg = segs[i];
      if (seg === undefined) break;
      at = at.children.get(seg);
    }
    return out;
  }

  /** Claims strictly inside the folder with this key (a file or pattern below it). */
  inside(folderKey: string): T[] {
    let at: Node<T> | undefined = this.root;
    for (const s of matchKey(folderKey).split('/')) {
      at = at.children.get(s);
      if (!at) return [];
    }
    return at.below;
  }
}
