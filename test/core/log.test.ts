import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from '../../src/log.js';

describe('redact', () => {
  it('hides a registered key in the form given and in its trimmed form', () => {
    registerSecret('  sk_live_LOGtestKEY_123\n');
    expect(redact('sent sk_live_LOGtestKEY_123 to the API')).toBe('sent [redacted] to the API');
    expect(redact('raw:  sk_live_LOGtestKEY_123\n.')).not.toContain('sk_live_LOGtestKEY_123');
  });

  it('ignores empty and too-short values rather than redacting everything', () => {
    registerSecret('');
    registerSecret('ab');
    expect(redact('a b ab')).toBe('a b ab');
  });
});
