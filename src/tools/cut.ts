/** Cutting text for output without leaving a fragment of a credential behind. */

/**
 * Token characters: a key is a run of these, so a cut inside one is moved to its start. Anything
 * but whitespace, quotes and brackets: a key may hold '.', ':', '~' or '$', and an echo may spell
 * it percent-encoded or JSON-escaped ('%2F', '\\u002e'), so only what surely ends a token stops it.
 */
const TOKEN_CHAR = /[^\s"'`<>()[\]{},;]/;
/** How far a cut may move back to a token start: past the longest key a header may carry (512). */
const MAX_BACKOFF = 1024;

/**
 * The first `keep` characters of `text` (or fewer): never inside a run of token characters (a
 * key cut there would leave a prefix that redaction no longer recognizes), never between the
 * two halves of a surrogate pair.
 */
export function cutAt(text: string, keep: number): string {
  if (text.length <= keep) return text;
  let end = keep;
  const floor = Math.max(0, keep - MAX_BACKOFF);
  while (end > floor && TOKEN_CHAR.test(text[end] ?? '') && TOKEN_CHAR.test(text[end - 1] ?? '')) {
    end--;
  }
  // A token that starts the text is dropped whole; one longer than any key is cut where asked.
  if (end === floor) end = floor === 0 ? 0 : keep;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}
