// How wide text is, for laying out our figures without a browser (titles kept inside the figure, legend boxes
// and axis-title offsets sized to their labels). Latin text averages about 0.56 em a glyph; a Chinese, Japanese or
// Korean character (and full-width punctuation) is a square glyph a full em wide, so counting it as a Latin
// character would make a Chinese title or label almost half as wide as it draws, and clip or overlap it.

/** Average advance of a proportional Latin glyph, in ems (Open Sans / Verdana / Arial). */
export const LATIN_GLYPH_EM = 0.56;
/** A full-width glyph (CJK ideograph, kana, Hangul syllable, full-width form), in ems. */
export const FULL_WIDTH_GLYPH_EM = 1;

/** Unicode's East Asian Wide and Fullwidth ranges (UAX #11) that text in figures uses. */
const FULL_WIDTH_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation (、。「」)
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed, compatibility
  [0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // Fullwidth forms (，：（）！)
  [0xffe0, 0xffe6], // Fullwidth signs
  [0x20000, 0x3fffd], // CJK Unified Ideographs Extensions B and later
];

/** True for a code point that draws a full em wide (a CJK character or full-width punctuation). */
export function isFullWidth(codePoint: number): boolean {
  return FULL_WIDTH_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high);
}

/** Width of one line of text in ems: 1 per full-width character, 0.56 per other character. */
export function textWidthEm(line: string): number {
  let width = 0;
  for (const character of line) width += isFullWidth(character.codePointAt(0)!) ? FULL_WIDTH_GLYPH_EM : LATIN_GLYPH_EM;
  return width;
}

/** Width in pixels of the widest of `lines` at font size `size` (px). */
export function linesWidthPx(lines: readonly string[], size: number): number {
  return Math.max(0, ...lines.map((line) => textWidthEm(line))) * size;
}
