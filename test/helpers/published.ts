/**
 * What manifest.json and server.json must say about each provider, derived from its descriptor
 * (src/providers/descriptor.ts): the docs checks compare the files with these, so a provider's
 * published entries are declared once, in its folder's index.ts.
 */
import type { ProviderEntry, PublishedSetting } from '../../src/providers/descriptor.js';

interface Variable {
  env: string;
  published: PublishedSetting;
  secret: boolean;
  default?: string;
}

function variables(entry: ProviderEntry): Variable[] {
  return [
    { env: entry.secretEnv, published: entry.published.key, secret: true },
    ...entry.extraSettings.map((s) => ({ env: s.env, published: s.published, secret: false })),
    {
      env: entry.baseUrlEnv,
      published: entry.published.baseUrl,
      secret: false,
      default: entry.defaultOrigin,
    },
  ];
}

/** manifest.json: `server.mcp_config.env` entries and `user_config` settings, in order. */
export function manifestEntries(entry: ProviderEntry) {
  const env: Record<string, string> = {};
  const userConfig: Record<string, Record<string, unknown>> = {};
  for (const v of variables(entry)) {
    const key = v.env.toLowerCase();
    env[v.env] = `\${user_config.${key}}`;
    userConfig[key] = {
      type: 'string',
      title: v.published.title,
      description: v.published.description,
      ...(v.secret ? { sensitive: true } : {}),
      required: false,
      default: v.default ?? '',
    };
  }
  const tools = (['get_customer', 'list_customers'] as const).map((operation) => ({
    name: `${entry.id}_${operation}`,
    description: entry.published.tools[operation],
  }));
  return { env, userConfig, tools };
}

/** server.json: the npm package's `environmentVariables` entries, in order. */
export function registryVariables(entry: ProviderEntry) {
  return variables(entry).map((v) => ({
    name: v.env,
    description: v.published.registryDescription,
    isRequired: false,
    ...(v.secret ? { isSecret: true } : {}),
    ...(v.default !== undefined ? { default: v.default } : {}),
  }));
}
