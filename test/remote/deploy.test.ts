/**
 * Deployment material (CONTRACT §7): the Dockerfile (no container daemon here: its files must be in
 * the packed package, and its CMD, with the ENV it sets, must start and serve from a copy of
 * exactly those files), the README's "Run it as a service" snippets (run against a live server),
 * and docs/remote.md (every setting documented, the Kubernetes example structurally checked).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { HTTP_USAGE } from '../../src/transport/http/settings.js';
import {
  connectHttpClient,
  type HttpBin,
  postMcp,
  postWithRawHeaders,
  spawnHttpBin,
} from '../helpers/http.js';
import { codeBlocks, shellCommands } from '../helpers/readme.js';
import { ROOT, runProcess } from '../helpers/run.js';
import { sandboxEnv } from '../helpers/sandbox.js';

const DOCKERFILE = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
const README = await readFile(join(ROOT, 'README.md'), 'utf8');
const REMOTE = await readFile(join(ROOT, 'docs/remote.md'), 'utf8');
const TOKEN = 'tok_deploy_0123456789abcdef0123456789';

/** Instructions with their continuation lines joined. */
const instructions = DOCKERFILE.replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [word, ...rest] = line.trim().split(/\s+/);
    return { word: word as string, rest: rest.join(' ') };
  });
const all = (word: string) => instructions.filter((i) => i.word === word).map((i) => i.rest);

/** The ENV instructions as a map (`A=1 B=2` form). */
const imageEnv = Object.fromEntries(
  all('ENV').flatMap((rest) => [...rest.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]])),
) as Record<string, string>;
const cmd = JSON.parse(all('CMD')[0] as string) as string[];
const healthcheck = JSON.parse(
  /CMD (\[.*\])$/.exec(all('HEALTHCHECK')[0] ?? '')?.[1] ?? 'null',
) as string[];

function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  expect(start, `section "## ${title}"`).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

let sandbox: Sandbox;
let image: string;
let server: HttpBin;

beforeAll(async () => {
  sandbox = await startSandbox();
  // The image's /app: exactly what the COPY instructions take from the build context.
  image = await mkdtemp(join(tmpdir(), 'billing-mcp-image-'));
  await mkdir(join(image, 'dist'));
  await cp(join(ROOT, 'package.json'), join(image, 'package.json'));
  await cp(join(ROOT, 'dist'), join(image, 'dist'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map'),
  });
  server = await spawnHttpBin(
    [],
    {
      ...imageEnv,
      BILLING_MCP_HTTP_PORT: '0',
      BILLING_MCP_HTTP_TOKEN: TOKEN,
      ...sandboxEnv(sandbox.emulators),
    },
    { argv: cmd.map((part) => (part === 'node' ? process.execPath : part)), cwd: image },
  );
}, 60_000);
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await rm(image, { recursive: true, force: true });
  await sandbox.close();
});

describe('Dockerfile', () => {
  it('uses the official Node 22 image, runs as the non-root node user, checks /healthz, serves --http on 0.0.0.0', () => {
    expect(all('FROM')).toHaveLength(1);
    expect(all('FROM')[0]).toMatch(/^node:22-(alpine|slim)$/);
    expect(all('USER')).toEqual(['node']);
    const user = instructions.findIndex((i) => i.word === 'USER');
    expect(user).toBeLessThan(instructions.findIndex((i) => i.word === 'CMD'));
    expect(healthcheck.join(' ')).toContain('/healthz');
    expect(cmd).toEqual(['node', 'dist/index.js', '--http']);
    expect(imageEnv.BILLING_MCP_HTTP_HOST).toBe('0.0.0.0');
  });

  it('copies only files the packed package ships, and all of its code', async () => {
    const packed = await runProcess('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    expect(packed.code, packed.stderr).toBe(0);
    const files = (
      (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]?.files ?? []
    ).map((f) => f.path);
    const sources = all('COPY').map((rest) => rest.split(' ')[0] as string);
    const glob = (pattern: string) =>
      new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
    for (const source of sources)
      expect(
        files.some((f) => glob(source).test(f)),
        source,
      ).toBe(true);
    for (const file of files.filter((f) => f.startsWith('dist/') || f === 'package.json')) {
      expect(
        sources.some((source) => glob(source).test(file)),
        file,
      ).toBe(true);
    }
  });

  it('its CMD with its ENV refuses to start without a token, and with one serves; its HEALTHCHECK passes', async () => {
    const [node, ...args] = cmd;
    expect(node).toBe('node');
    const refused = await runProcess(process.execPath, args, {
      cwd: image,
      env: { PATH: process.env.PATH ?? '', ...imageEnv, ...sandboxEnv(sandbox.emulators) },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Refusing to serve billing data on 0.0.0.0 without access control',
    );

    expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/mcp$/);
    const port = new URL(server.url).port;
    const [hcNode, ...hcArgs] = healthcheck;
    expect(hcNode).toBe('node');
    const check = await runProcess(process.execPath, hcArgs, {
      env: { PATH: process.env.PATH ?? '', BILLING_MCP_HTTP_PORT: port },
    });
    expect(check.code, check.stderr).toBe(0);
    const local = `http://127.0.0.1:${port}/mcp`;
    expect((await postMcp(local, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(
      401,
    );
  });
});

describe('README: Run it as a service', () => {
  const text = section(README, 'Run it as a service');
  const localUrl = () => `http://localhost:${new URL(server.url).port}/mcp`;

  /** Connects as the snippet says, with the documented URL pointed at the running server. */
  async function connectAs(url: string, headers: Record<string, string>) {
    expect(url).toBe('http://localhost:3000/mcp');
    const client = await connectHttpClient(localUrl(), headers);
    const { tools } = await client.listTools();
    await client.close();
    return tools.length;
  }

  it('builds and runs the image with env names only (no value of a key or token in argv)', () => {
    const [build, token, run] = (codeBlocks(text, 'sh')[0] ?? '').trim().split('\n');
    expect(build).toBe('npm ci && npm run build && docker build -t billing-customers-mcp .');
    expect(token).toMatch(/^export BILLING_MCP_HTTP_TOKEN="\$\(openssl rand -hex 32\)"$/);
    const words = (run ?? '').split(/\s+/);
    expect(words.slice(0, 3)).toEqual(['docker', 'run', '-d']);
    expect(words.at(-1)).toBe('billing-customers-mcp');
    expect(words[words.indexOf('-p') + 1]).toBe('3000:3000');
    const passed = words.flatMap((word, i) => (words[i - 1] === '-e' ? [word] : []));
    expect(passed).toEqual(['BILLING_MCP_HTTP_TOKEN', 'QUENTLI_API_KEY']);
    expect(HTTP_USAGE + README).toContain(passed[0] as string);
  });

  it('Claude Code: `claude mcp add --transport http NAME URL --header …` works against the server', async () => {
    const [line = ''] = shellCommands(codeBlocks(text, 'sh')[1] ?? '');
    const match =
      /^claude mcp add --transport http --scope user ([\w-]+) (\S+) --header "Authorization: Bearer \$BILLING_MCP_HTTP_TOKEN"$/.exec(
        line,
      );
    expect(match, line).not.toBeNull();
    expect(await connectAs(match?.[2] as string, { Authorization: `Bearer ${TOKEN}` })).toBe(7);
  });

  it('Cursor and VS Code configs (docs/remote.md, linked from this section) parse and, with the placeholder filled, connect', async () => {
    const [cursor, vscode] = codeBlocks(section(REMOTE, 'Clients'), 'json').map((block) =>
      JSON.parse(block),
    );
    const c = cursor.mcpServers['billing-customers'];
    expect(Object.keys(c).sort()).toEqual(['headers', 'url']);
    expect(c.headers.Authorization).toBe(`Bearer \${env:BILLING_MCP_HTTP_TOKEN}`);
    expect(await connectAs(c.url, { Authorization: `Bearer ${TOKEN}` })).toBe(7);

    const v = vscode.servers['billing-customers'];
    expect(v.type).toBe('http');
    const input = /^Bearer \$\{input:([\w-]+)\}$/.exec(v.headers.Authorization)?.[1];
    expect(vscode.inputs.map((i: { id: string }) => i.id)).toEqual([input]);
    expect(vscode.inputs[0].password).toBe(true);
    expect(await connectAs(v.url, { Authorization: `Bearer ${TOKEN}` })).toBe(7);
  });
});

describe('docs/remote.md', () => {
  it('documents every remote-mode variable the server reads, with the defaults it uses', () => {
    const inUsage = new Set(HTTP_USAGE.match(/BILLING_MCP_(HTTP|OAUTH)_[A-Z_]+/g));
    const rows = new Map(
      [
        ...section(REMOTE, 'Settings').matchAll(/^\| `(BILLING_MCP_[A-Z_]+)` *\| ([^|]+?) *\|/gm),
      ].map((m) => [m[1], m[2]?.trim()]),
    );
    expect([...rows.keys()].sort()).toEqual([...inUsage].sort());
    for (const [name, fallback] of Object.entries({
      BILLING_MCP_HTTP_HOST: '`127.0.0.1`',
      BILLING_MCP_HTTP_PORT: '`3000`',
      BILLING_MCP_HTTP_MAX_BODY_BYTES: '`1048576`',
      BILLING_MCP_HTTP_MAX_IN_FLIGHT: '`256`',
      BILLING_MCP_HTTP_SHUTDOWN_GRACE_MS: '`25000`',
    })) {
      expect(rows.get(name), name).toBe(fallback);
    }
  });

  it('shows an access-log line with exactly the fields the server writes', async () => {
    const [sample] = codeBlocks(section(REMOTE, 'Access log'), 'text');
    await fetch(server.url.replace('0.0.0.0', '127.0.0.1'), { method: 'GET' });
    const written = server
      .stderr()
      .split('\n')
      .find((line) => line.startsWith('{'));
    expect(Object.keys(JSON.parse(sample as string))).toEqual(
      Object.keys(JSON.parse(written as string)),
    );
  });

  describe('Kubernetes example (not runnable here: no cluster)', () => {
    const k8s = section(REMOTE, 'Kubernetes: two replicas behind a Service and an Ingress');
    const [build, secret] = codeBlocks(k8s, 'sh');
    const manifests = parseAllDocuments(codeBlocks(k8s, 'yaml')[0] ?? '').map((doc) => {
      expect(doc.errors, String(doc.errors)).toEqual([]);
      return doc.toJS();
    });
    const [deployment, service, ingress] = manifests;
    const pod = deployment?.spec.template.spec;
    const [container] = pod?.containers ?? [];
    const env = Object.fromEntries(
      (container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [
        e.name,
        e,
      ]),
    );
    const allowedHosts = (env.BILLING_MCP_HTTP_ALLOWED_HOSTS?.value ?? '').split(',');
    const secretKeys = Object.values(env).flatMap((e) => {
      const ref = (e.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)
        ?.secretKeyRef;
      return ref ? [ref] : [];
    });

    it('parses as YAML: a Deployment of two replicas, a Service and an Ingress with TLS, wired to each other', () => {
      expect(manifests.map((m) => m.kind)).toEqual(['Deployment', 'Service', 'Ingress']);
      for (const m of manifests) expect(m.metadata.name).toBe('billing-mcp');
      expect(deployment.spec.replicas).toBe(2);
      const labels = deployment.spec.template.metadata.labels;
      expect(deployment.spec.selector.matchLabels).toEqual(labels);
      expect(service.spec.selector).toEqual(labels);
      const port = container.ports[0].containerPort;
      expect(String(port)).toBe(imageEnv.BILLING_MCP_HTTP_PORT);
      expect(service.spec.ports[0].targetPort).toBe(port);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port });
      // The platform's grace period covers the server's own drain (SIGTERM, then in-flight calls).
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(25_000);
      const [rule] = ingress.spec.rules;
      expect(ingress.spec.tls[0].hosts).toEqual([rule.host]);
      expect(ingress.spec.tls[0].secretName).toMatch(/\S/);
      expect(rule.http.paths[0].backend.service).toEqual({
        name: service.metadata.name,
        port: { number: service.spec.ports[0].port },
      });
      // Both the public name and the in-cluster Service names are accepted as Host.
      expect(allowedHosts).toEqual(
        expect.arrayContaining([
          rule.host,
          service.metadata.name,
          `${service.metadata.name}.default.svc.cluster.local`,
        ]),
      );
      const known = new Set([...HTTP_USAGE.matchAll(/[A-Z][A-Z_]+[A-Z]/g)].map((m) => m[0]));
      for (const name of Object.keys(env))
        expect(known.has(name) || /_API_KEY$/.test(name), name).toBe(true);
      expect(JSON.stringify(deployment)).not.toMatch(/tok_|sk_/);
    });

    it('builds, pushes and runs the image tagged with the package version', async () => {
      const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
      const image = `registry.example.com/billing-customers-mcp:${version}`;
      expect(container.image).toBe(image);
      expect(shellCommands(build ?? '')).toEqual([
        'npm ci && npm run build',
        `docker build -t ${image} .`,
        `docker push ${image}`,
      ]);
    });

    it('creates the secret from stdin: every key the Deployment reads, no value in any argv', async () => {
      expect(k8s).not.toContain('--from-literal');
      const bin = await mkdtemp(join(tmpdir(), 'billing-mcp-kubectl-'));
      try {
        // A stand-in kubectl that records its arguments and what it read on stdin.
        await writeFile(
          join(bin, 'kubectl'),
          `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/argv"\ncat > "${bin}/stdin"\n`,
          { mode: 0o755 },
        );
        const quentliKey = 'sk_kube_secret_0123456789';
        const run = await runProcess('sh', ['-c', secret ?? ''], {
          env: { PATH: `${bin}:${process.env.PATH ?? ''}`, QUENTLI_API_KEY: quentliKey },
        });
        expect(run.code, run.stderr).toBe(0);
        const argv = await readFile(join(bin, 'argv'), 'utf8');
        expect(argv.split('\n').filter(Boolean)).toEqual(['apply', '-f', '-']);
        const applied = parse(await readFile(join(bin, 'stdin'), 'utf8'));
        expect(applied.kind).toBe('Secret');
        expect(Object.keys(applied.stringData).sort()).toEqual(
          secretKeys.map((ref) => ref.key).sort(),
        );
        for (const ref of secretKeys) expect(ref.name).toBe(applied.metadata.name);
        expect(applied.stringData.token).toMatch(/^[0-9a-f]{64}$/);
        expect(applied.stringData['quentli-api-key']).toBe(quentliKey);
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    });

    it("the server with the Deployment's environment accepts the Ingress host and the in-cluster names, and refuses others", async () => {
      const values: Record<string, string> = {};
      for (const [name, e] of Object.entries(env)) {
        const ref = (e.valueFrom as { secretKeyRef?: { key: string } } | undefined)?.secretKeyRef;
        values[name] =
          ref?.key === 'token' ? TOKEN : ref ? sandbox.settings.quentli.apiKey : (e.value ?? '');
      }
      const pod = await spawnHttpBin([], {
        ...imageEnv,
        ...values,
        BILLING_MCP_HTTP_PORT: '0',
        QUENTLI_BASE_URL: sandbox.settings.quentli.baseUrl,
      });
      try {
        const url = pod.url.replace('0.0.0.0', '127.0.0.1');
        const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
        const auth: [string, string] = ['authorization', `Bearer ${TOKEN}`];
        for (const host of allowedHosts) {
          const answer = await postWithRawHeaders(url, list, [['host', host], auth]);
          expect(answer.status, host).toBe(200);
          expect(answer.body).toContain('quentli_list_customers');
        }
        const other = await postWithRawHeaders(url, list, [['host', 'evil.example'], auth]);
        expect(other.status).toBe(403);
      } finally {
        expect(await pod.stop()).toBe(0);
      }
    });
  });
});

describe('docs/remote.md: Try it with curl, against a real --demo --http server', () => {
  const [block] = codeBlocks(section(REMOTE, 'Try it with curl'), 'sh');
  const commands = shellCommands(block ?? '');

  it('runs as written (URL pointed at the server): /healthz, tools/list, a tools/call; without the Accept header it is a 406', async () => {
    const demo = await spawnHttpBin(['--demo'], { BILLING_MCP_HTTP_TOKEN: TOKEN });
    try {
      const origin = new URL(demo.url).origin;
      const run = async (command: string) => {
        expect(command).toMatch(/^curl -s http:\/\/127\.0\.0\.1:3000\//);
        const result = await runProcess(
          'sh',
          ['-c', command.replace('http://127.0.0.1:3000', origin)],
          {
            env: { PATH: process.env.PATH ?? '', BILLING_MCP_HTTP_TOKEN: TOKEN },
          },
        );
        expect(result.code, result.stderr).toBe(0);
        return result.stdout;
      };
      expect(commands).toHaveLength(3);
      for (const command of commands.slice(1))
        expect(command).toContain("-H 'Accept: application/json, text/event-stream'");
      const [health, list, call] = commands as [string, string, string];
      expect(JSON.parse(await run(health))).toEqual({ status: 'ok' });
      // Requests without the 2026-07-28 envelope are 2025-11-25 ones, answered as an SSE stream
      // (SDK v2's stateless serving): the answer is its last `data:` line.
      const answerOf = (text: string) =>
        JSON.parse(
          text
            .match(/^data: ?(.*)$/gm)
            ?.at(-1)
            ?.replace(/^data: ?/, '') ?? text,
        );
      const tools = answerOf(await run(list)).result.tools.map((t: { name: string }) => t.name);
      expect(tools).toHaveLength(7);
      expect(tools).toContain('find_customers');
      const answer = answerOf(await run(call)).result;
      expect(answer.isError).toBeFalsy();
      expect(answer.structuredContent.results.map((r: { provider: string }) => r.provider)).toEqual(
        ['quentli', 'flexprice', 'maple'],
      );
      // The header is what makes it work: the same request without it is refused.
      const without = list.replace(" -H 'Accept: application/json, text/event-stream'", '');
      expect(without).not.toContain('Accept');
      expect(await run(`${without} -o /dev/null -w '%{http_code}'`)).toBe('406');
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  });
});
