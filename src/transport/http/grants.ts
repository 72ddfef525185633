/**
 * Per-provider access in remote mode: a caller sees and may call only the billing systems it is
 * granted, by OAuth scope (`billing.<provider>.read`, BILLING_MCP_OAUTH_PROVIDER_SCOPES=1) or by
 * its named static token (BILLING_MCP_HTTP_TOKENS_FILE). A grant set is answered by a server
 * over exactly those providers — their tools, and find_customers spanning only them — built once
 * per grant set (at most 2^3 - 1 of them) and reused, so a request costs what it costs without
 * grants. A tools/call outside the grant is refused before the SDK sees it (serve.ts) with the
 * authorization spec's 403 `insufficient_scope`, naming what would allow it.
 */
import type { IncomingMessage } from 'node:http';
import type { ProviderId } from '../../customer.js';
import type { BillingProvider } from '../../providers/types.js';
import { processSecrets } from '../../redact.js';
import { type OperatorOptions, serverFactory } from '../../server.js';
import { CROSS_PROVIDER_TOOLS, providerToolNames } from '../../tools/register.js';
import type { Accepted } from './auth.js';
import type { Route } from './serve.js';

export const PROVIDER_SCOPES_VARIABLE = 'BILLING_MCP_OAUTH_PROVIDER_SCOPES';
export const TOKENS_FILE_VARIABLE = 'BILLING_MCP_HTTP_TOKENS_FILE';

/** The OAuth scope that grants one provider. */
export function providerScope(id: ProviderId): string {
  return `billing.${id}.read`;
}

/** The configured providers a token's scopes grant, in provider order. */
export function providersOfScopes(
  scopes: readonly string[],
  configured: readonly ProviderId[],
): ProviderId[] {
  return configured.filter((id) => scopes.includes(providerScope(id)));
}

export interface GrantRouteOptions {
  /** The operator's providers (env keys or --demo), in provider order. */
  providers: readonly BillingProvider[];
  version: string;
  operator?: OperatorOptions;
}

/**
 * The route for a deployment with grants: the server for the caller's grant set (an access check
 * that grants nothing in particular, such as the one BILLING_MCP_HTTP_TOKEN, gets every provider).
 */
export function grantRoute(
  options: GrantRouteOptions,
): (req: IncomingMessage, accepted: Accepted) => Route {
  const configured = options.providers.map((p) => p.id);
  const routes = new Map<string, Route>();
  return (_req, accepted) => {
    const granted = accepted.grant
      ? configured.filter((id) => accepted.grant?.includes(id))
      : configured;
    const key = granted.join(',');
    let route = routes.get(key);
    if (!route) {
      const providers = options.providers.filter((p) => granted.includes(p.id));
      route = {
        server: serverFactory({
          providers,
          version: options.version,
          // The tool list depends on who asks: no shared cache may hand one caller's to another.
          cacheScope: 'private',
          ...options.operator,
        }),
        secrets: [processSecrets],
        missingGrant: missingGrant(configured, granted),
      };
      routes.set(key, route);
    }
    return route;
  };
}

/**
 * For a tool name: the providers the caller would need besides its own to call it, or undefined
 * when the grant allows it or the name is no tool of this server (the SDK answers that one). A
 * cross-provider tool needs as many providers as it needs to exist; its step-up names every
 * configured provider the caller lacks, so the stepped-up token sees it span all of them.
 */
export function missingGrant(
  configured: readonly ProviderId[],
  granted: readonly ProviderId[],
): (tool: string) => readonly ProviderId[] | undefined {
  const owner = new Map<string, ProviderId>();
  for (const id of configured) for (const name of providerToolNames({ id })) owner.set(name, id);
  const lacking = configured.filter((id) => !granted.includes(id));
  return (tool) => {
    const provider = owner.get(tool);
    if (provider !== undefined) return granted.includes(provider) ? undefined : [provider];
    const cross = CROSS_PROVIDER_TOOLS.find((t) => t.name === tool);
    if (!cross || configured.length < cross.minProviders) return undefined;
    return granted.length < cross.minProviders ? lacking : undefined;
  };
}
