/**
 * JSON from a provider, with integers beyond 2^53 kept exact. JSON.parse reads
 * 12345678901234567891 as 12345678901234567000, and Node 20 has no reviver access to the source
 * text, so a number token that is an integer outside the safe range is turned into a JSON string
 * of its digits before parsing: a customer's `details` then carry "12345678901234567891", exact,
 * rather than a wrong number. Safe integers and fractions stay numbers.
 *
 * The fast path costs one scan for a run of 16 digits (the shortest unsafe integer); the rewrite,
 * when needed, is one linear pass that tracks whether it is inside a string.
 */
const SIXTEEN_DIGITS = /\d{16}/;

export function parseProviderJson(text: string): unknown {
  if (!SIXTEEN_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(quoteUnsafeIntegers(text));
}

export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // the escaped character, whatever it is
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    // A number token: -?digits, then maybe a fraction or an exponent.
    let end = i + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    const next = text.charCodeAt(end);
    const integer = next !== 0x2e && next !== 0x65 && next !== 0x45;
    const token = text.slice(i, end);
    if (integer && token.length >= 16 && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(copied, i)}"${token}"`;
      copied = end;
    }
    // Skip the rest of the token (fraction, exponent) so its digits are not read as another.
    while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
    i = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isNumberChar(c: number): boolean {
  return isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}
