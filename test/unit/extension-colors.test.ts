import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Explorer names and gutter marks are text-sized: in the light themes each colour the extension
// contributes must reach WCAG AA for text (4.5:1) on the side bar's background, alpha included.
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { colors: { id: string; defaults: { light: string } }[] };
};

/** sideBar.background of Light Modern (VS Code's default light theme), Light+, and plain white. */
const LIGHT_BACKGROUNDS = ['#F8F8F8', '#F3F3F3', '#FFFFFF'];

function rgb(hex: string): { r: number; g: number; b: number; a: number } {
  const h = hex.replace('#', '');
  const byte = (i: number): number => parseInt(h.slice(i, i + 2), 16);
  return { r: byte(0), g: byte(2), b: byte(4), a: h.length === 8 ? byte(6) / 255 : 1 };
}

function luminance({ r, g, b }: { r: number; g: number; b: number }): number {
  const lin = (c: number): number => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(fg: string, bg: string): number {
  const f = rgb(fg);
  const b = rgb(bg);
  const over = { r: f.r * f.a + b.r * (1 - f.a), g: f.g * f.a + b.g * (1 - f.a), b: f.b * f.a + b.b * (1 - f.a) };
  const [hi, lo] = [luminance(over), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('extension colours in the light themes', () => {
  it('measures as WCAG does (black on white is 21:1, a 60% orange on white 2.4:1)', () => {
    assert.equal(contrast('#000000', '#FFFFFF').toFixed(1), '21.0');
    assert.equal(contrast('#C0560099', '#FFFFFF').toFixed(1), '2.4');
  });

  for (const color of manifest.contributes.colors) {
    it(`${color.id} (${color.defaults.light}) reaches 4.5:1 on the light side bars`, () => {
      for (const bg of LIGHT_BACKGROUNDS) {
        const ratio = contrast(color.defaults.light, bg);
        assert.ok(ratio >= 4.5, `${color.defaults.light} on ${bg} is ${ratio.toFixed(2)}:1`);
      }
    });
  }
});
