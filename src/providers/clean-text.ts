/**
 * Upstream text without the characters that hide text from a human reviewer. A customer's name,
 * email or metadata is written by whoever signed up, and it reaches a model: Unicode tag
 * characters (invisible ASCII, the classic prompt smuggling), bidirectional overrides and
 * isolates (text that reads differently from how it is stored), zero-width and other invisible
 * format characters, and control characters are removed. What real names need stays:
 *
 * - ZWJ / ZWNJ (U+200D / U+200C) between two letters, marks or emoji: Indic conjuncts, Persian
 *   word forms, emoji sequences such as 👩🏽‍💻. Anywhere else (leading, trailing, doubled,
 *   padding an email) they are removed.
 * - One variation selector right after a visible character (❤️, 1️⃣); a second one in a row, or
 *   one with nothing to modify, is removed (runs of them can encode a hidden payload).
 * - The direction marks LRM, RLM and ALM (U+200E, U+200F, U+061C): they only settle the
 *   direction of neutral characters and cannot reorder a span of text; mixed Arabic or Hebrew
 *   and Latin names use them.
 * - Format characters that render visibly: the Arabic and Syriac prepended marks
 *   (U+0600–U+0605, U+06DD, U+070F, U+0890–U+0891, U+08E2), Kaithi's (U+110BD, U+110CD) and the
 *   Egyptian hieroglyph format controls (U+13430–U+1343F).
 * - TAB, LF and CR.
 *
 * Tag characters go even inside flag sequences (🏴 plus tags for England): no name needs one, and
 * the black flag that is left is still visible. Linear in the text; a string with none of these
 * characters is returned as it is after one regex test.
 */

/** Every character that is removed, or kept only by a rule below. */
const SUSPECT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex lint/suspicious/noMisleadingCharacterClass: a set of single code points to remove; matched one character at a time
  /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u115f\u1160\u180e\u200b-\u200d\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb\uffa0\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/u;

const JOINER = /^[\u200c\u200d]$/;
const VARIATION_SELECTOR = /^[\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u;
/** What a joiner may stand between: a letter, a mark, an emoji or its modifier or selector. */
const JOINABLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: tested against one code point at a time
  /^[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f\u{1f1e6}-\u{1f1ff}]$/u;

export function cleanText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  const chars = [...text];
  let out = '';
  let previous = ''; // the last character kept
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string;
    if (!SUSPECT.test(char)) {
      out += char;
      previous = char;
      continue;
    }
    let keep = false;
    if (JOINER.test(char)) {
      const next = chars[index + 1] ?? '';
      // previous may be a kept U+FE0F: a ZWJ after an emoji's selector (🏳️‍🌈) stays.
      keep = JOINABLE.test(previous) && !SUSPECT.test(next) && JOINABLE.test(next);
    } else if (VARIATION_SELECTOR.test(char)) {
      keep = previous !== '' && !VARIATION_SELECTOR.test(previous) && !JOINER.test(previous);
    }
    if (keep) {
      out += char;
      previous = char;
    }
  }
  return out;
}
