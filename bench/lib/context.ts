/** What every bench section shares: the emulator host, how to start each server, the result rows. */
import { join } from 'node:path';
import type { ProviderSettings } from '../../src/providers/types.js';
import type { LoggedSummary } from '../emulator-host.js';
import type { EmulatorHost } from './host.js';
import type { Row } from './report.js';
import { StdioPeer } from './stdio-peer.js';

export const PROVIDER_IDS = ['quentli', 'flexprice', 'maple'] as const;
export type Provider = (typeof PROVIDER_IDS)[number];

export interface Paths {
  repo: string;
  /** The server under test: the built bin. */
  serverEntry: string;
  /** The compiled bench/reference-server. */
  referenceEntry: string;
  /** The compiled bench/reference-http-server (the SDK's minimal stateless HTTP server). */
  referenceHttpEntry: string;
  emulatorHostEntry: string;
  results: string;
}

/** One customer the latency and token sections use, with the upstream request our server made for it. */
export interface Sample {
  id: string;
  /** What the emulator received when our server fetched this customer (replayed by the baselines). */
  request: LoggedSummary;
  url: string;
  headers: Record<string, string>;
}

export interface Bench {
  paths: Paths;
  host: EmulatorHost;
  rows: Row[];
  samples: Record<Provider, Sample[]>;
  /** Free-form facts for the JSON file (request counts, settings, notes). */
  facts: Record<string, unknown>;
}

export function bench(paths: Paths, host: EmulatorHost): Bench {
  return {
    paths,
    host,
    rows: [],
    samples: { quentli: [], flexprice: [], maple: [] },
    facts: {},
  };
}

const PROVIDER_ENV = /^(QUENTLI|FLEXPRICE|MAPLE)_|^BILLING_MCP_/;

/** The parent env without any real provider configuration, plus the given settings. */
export function serverEnv(
  settings: Partial<Record<Provider, ProviderSettings>>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!PROVIDER_ENV.test(key)) env[key] = value;
  }
  const { quentli, flexprice, maple } = settings;
  if (quentli)
    Object.assign(env, { QUENTLI_API_KEY: quentli.apiKey, QUENTLI_BASE_URL: quentli.baseUrl });
  if (flexprice) {
    Object.assign(env, {
      FLEXPRICE_API_KEY: flexprice.apiKey,
      FLEXPRICE_BASE_URL: flexprice.baseUrl,
    });
  }
  if (maple) {
    Object.assign(env, {
      MAPLE_API_KEY: maple.apiKey,
      MAPLE_COMPANY_ID: maple.extras?.companyId ?? '',
      MAPLE_BASE_URL: maple.baseUrl,
    });
  }
  return env;
}

export function allProviders(b: Bench): Record<Provider, ProviderSettings> {
  const { quentli, flexprice, maple } = b.host.ready.settings;
  return { quentli, flexprice, maple };
}

export function spawnServer(b: Bench, label: string, env: NodeJS.ProcessEnv): StdioPeer {
  return StdioPeer.spawn(label, process.execPath, [b.paths.serverEntry], env);
}

export function spawnReference(b: Bench, label = 'reference'): StdioPeer {
  return StdioPeer.spawn(label, process.execPath, [b.paths.referenceEntry], serverEnv({}));
}

export function resolvePaths(repo: string, buildRoot: string): Paths {
  return {
    repo,
    serverEntry: join(repo, 'dist', 'index.js'),
    referenceEntry: join(buildRoot, 'bench', 'reference-server.js'),
    referenceHttpEntry: join(buildRoot, 'bench', 'reference-http-server.js'),
    emulatorHostEntry: join(buildRoot, 'bench', 'emulator-host.js'),
    results: join(repo, 'bench', 'results'),
  };
}
