/**
 * The key that seals a provider's `next_cursor` (src/tools/cursor.ts), derived from the
 * credentials the provider was built with (HKDF-SHA256: one-way, so no cursor says anything about
 * the key). Why credentials and not a per-process random key: every instance behind a load
 * balancer has the same credentials, so a cursor issued by one opens on any other; and in
 * header-credential mode each tenant's providers get their own key, so one tenant's cursor never
 * opens for another. Rotating an API key ends the cursors issued under the old one.
 */
import { hkdfSync } from 'node:crypto';
import type { ProviderSettings } from './types.js';

export function cursorKeyFor(provider: string, settings: ProviderSettings): Uint8Array {
  // The base URL is left out on purpose: instances reach one provider by different spellings or
  // proxies, and a key is valid in one region anyway (Flexprice).
  // The extra settings (Maple's company id) scope the key too, in a fixed order.
  const extras = settings.extras ?? {};
  const scope = Object.keys(extras)
    .sort()
    .map((key) => extras[key])
    .join('\u0000');
  const credentials = JSON.stringify([settings.apiKey, scope]);
  return new Uint8Array(
    hkdfSync('sha256', credentials, 'billing-customers-mcp cursor', `v2 ${provider}`, 32),
  );
}
