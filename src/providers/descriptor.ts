/**
 * The provider descriptor: everything a provider brings, declared once in its folder's index.ts.
 * Configuration, header credentials, cancellation scoping, the sandbox, doctor, the usage text and
 * the published manifests (the docs checks compare manifest.json and server.json with it) all
 * derive from these entries: no code outside a provider's folder branches on which provider it is.
 */
import type { ProviderEmulator } from '../sandbox/types.js';
import type { HttpSettings } from '../upstream/upstream.js';
import type { BillingProvider, ProviderSettings } from './types.js';

/** How a setting is described where users fill it in: the MCPB dialog and the MCP Registry. */
export interface PublishedSetting {
  /** manifest.json `user_config` title and description. */
  title: string;
  description: string;
  /** server.json `environmentVariables[].description`. */
  registryDescription: string;
}

/**
 * A setting besides the key and the base URL that the provider cannot work without (Maple's
 * company id): required with the key, from env or, in header mode, from its own header. Not a
 * secret, but it scopes who the caller is, so it counts in cancellation scoping.
 */
export interface ExtraSetting {
  /** Where the provider reads it: `settings.extras[key]`. */
  key: string;
  env: string;
  /** Lower-case header name for header-credential mode: `x-maple-company-id`. */
  header: string;
  /** The longest value a header may carry (visible ASCII, from 1 character). */
  maxLength: number;
  published: PublishedSetting;
}

export interface ProviderSpec<Id extends string = string> {
  /** Lower-case: the tool prefix (`<id>_get_customer`) and the header prefix (`x-<id>-api-key`). */
  id: Id;
  /** As users know it: 'Maple Billing'. */
  displayName: string;
  /** The secret: never printed, redacted from everything that leaves the process. */
  secretEnv: string;
  baseUrlEnv: string;
  defaultOrigin: string;
  /** Path the client appends to the origin (CONTRACT §2). */
  apiPrefix: string;
  extraSettings?: readonly ExtraSetting[];
  create: (settings: ProviderSettings, http: HttpSettings) => BillingProvider;
  /** Its emulator with seed data, for `--demo`, the tests and the benchmark. Loaded lazily. */
  sandbox: () => Promise<ProviderEmulator>;
  /** doctor's one cheap read; the default asks for a one-row page with no filters. */
  doctorProbe?: (provider: BillingProvider) => Promise<unknown>;
  published: {
    key: PublishedSetting;
    baseUrl: PublishedSetting;
    /** manifest.json `tools[]` descriptions of the two per-provider tools. */
    tools: { get_customer: string; list_customers: string };
  };
}

/** A spec with what follows from it, computed once. */
export interface ProviderEntry<Id extends string = string> extends ProviderSpec<Id> {
  extraSettings: readonly ExtraSetting[];
  /** Variables that must all be set for the provider's tools to be registered. */
  requiredEnv: readonly string[];
  /** Header mode: `x-<id>-api-key` and `x-<id>-base-url`. */
  keyHeader: string;
  baseUrlHeader: string;
  /** The key header and each extra setting's: who the caller is, for cancellation scoping. */
  credentialHeaders: readonly string[];
}

export type Registry = readonly ProviderEntry[];

const PROVIDER_ID = /^[a-z][a-z0-9]{0,30}$/;

export function defineProvider<const Id extends string>(spec: ProviderSpec<Id>): ProviderEntry<Id> {
  // The id becomes tool names and header names: one lower-case word keeps both unambiguous.
  if (!PROVIDER_ID.test(spec.id)) throw new Error(`provider id ${spec.id}: one lower-case word`);
  const extraSettings = spec.extraSettings ?? [];
  const keyHeader = `x-${spec.id}-api-key`;
  return {
    ...spec,
    extraSettings,
    requiredEnv: [spec.secretEnv, ...extraSettings.map((s) => s.env)],
    keyHeader,
    baseUrlHeader: `x-${spec.id}-base-url`,
    credentialHeaders: [keyHeader, ...extraSettings.map((s) => s.header)],
  };
}

/** Every variable of a provider, as the usage text lists them: key, extras, base URL. */
export function providerEnv(entry: ProviderEntry): string[] {
  return [...entry.requiredEnv, entry.baseUrlEnv];
}

/** A header name as people write it: `X-Maple-Company-Id`. */
export function headerTitle(name: string): string {
  return name.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase());
}

/** Duplicated ids, variables or headers would make two providers read each other's settings. */
export function checkRegistry(registry: Registry): void {
  const seen = new Set<string>();
  for (const entry of registry) {
    for (const name of [
      `id ${entry.id}`,
      ...providerEnv(entry),
      ...entry.credentialHeaders,
      entry.baseUrlHeader,
    ]) {
      if (seen.has(name)) throw new Error(`provider registry: ${name} is declared twice`);
      seen.add(name);
    }
  }
}

/**
 * The environment that configures `entry` with `settings`: what loadConfig reads, written back
 * (the sandbox's settings handed to a spawned bin, doctor's pasted config).
 */
export function envFor(entry: ProviderEntry, settings: ProviderSettings): Record<string, string> {
  const env: Record<string, string> = { [entry.secretEnv]: settings.apiKey };
  for (const setting of entry.extraSettings) {
    const value = settings.extras?.[setting.key];
    if (value !== undefined) env[setting.env] = value;
  }
  env[entry.baseUrlEnv] = settings.baseUrl.endsWith(entry.apiPrefix)
    ? settings.baseUrl.slice(0, -entry.apiPrefix.length)
    : settings.baseUrl;
  return env;
}
