/**
 * The request headers that carry provider credentials in header mode
 * (`BILLING_MCP_HTTP_CREDENTIALS=headers`), and what a request that left some out is told: the
 * instructions name the headers to send, and a call to a tool of a provider whose key did not
 * come with the request is a coded `unauthorized` naming that header, rather than "Unknown tool".
 */
import { ToolError } from '../../errors.js';
import { headerTitle, type ProviderEntry, type Registry } from '../../providers/descriptor.js';
import type { MissingProviders } from '../../server.js';
import { CUSTOMER_TOOLS } from '../../tools/customer-tools.js';
import type { CrossProviderTool } from '../../tools/define.js';
import { findCustomers } from '../../tools/find-customers.js';
import { errorResult } from '../../tools/result.js';

/**
 * The headers a provider needs (its descriptor's `x-<id>-api-key` and each extra setting's), as
 * people write them: `X-Maple-Api-Key and X-Maple-Company-Id`.
 */
export function credentialHeaders(entry: Pick<ProviderEntry, 'credentialHeaders'>): string {
  return entry.credentialHeaders.map(headerTitle).join(' and ');
}

/** For a request that sent credentials for `present` only; undefined when nothing is missing. */
export function missingProviders(
  present: readonly ProviderEntry[],
  registry: Registry,
): MissingProviders | undefined {
  const absent = registry.filter((entry) => !present.includes(entry));
  if (absent.length === 0) return undefined;
  const send = (entries: readonly ProviderEntry[]) =>
    entries.map((e) => `${credentialHeaders(e)} (${e.displayName})`).join('; ');
  const byTool = new Map<string, ReturnType<typeof errorResult>>();
  for (const entry of absent) {
    const message = `This request sent no ${entry.displayName} credentials, so the ${entry.id} tools are off. Send ${credentialHeaders(entry)} with each request to this server.`;
    const result = errorResult(unauthorized(message, entry.id));
    for (const tool of CUSTOMER_TOOLS) byTool.set(`${entry.id}_${tool.operation}`, result);
  }
  const cross: CrossProviderTool = findCustomers;
  if (present.length < cross.minProviders) {
    const have = present.length === 0 ? 'none' : present.map((e) => e.displayName).join(', ');
    const message = `${cross.name} needs credentials for at least ${cross.minProviders} billing systems; this request sent ${have}. Send ${send(absent)}.`;
    byTool.set(cross.name, errorResult(unauthorized(message)));
  }
  const none = present.length === 0;
  return {
    instructions: `${none ? 'This request sent no billing-system credentials, so there are no tools yet. ' : ''}This server takes each provider's credentials from request headers: send ${send(absent)} to use ${none ? 'a billing system' : 'the others'}.`,
    call: (name) => byTool.get(name),
  };
}

const unauthorized = (message: string, provider?: string) =>
  new ToolError('unauthorized', message, { provider, retryable: false });
