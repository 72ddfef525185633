/**
 * An OAuth 2.1 authorization server as a resource server sees it, on 127.0.0.1: RFC 8414 (or
 * OpenID) metadata and a JWKS of keys jose generates, and tokens signed with them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface SignOptions {
  expiresIn?: number | null;
  /** Seconds from now for `iat` (default: now). */
  issuedIn?: number;
  audience?: string;
  issuer?: string;
  scope?: string;
  /** `sub` (default agent-1). */
  subject?: string;
  foreignKey?: boolean;
}

export interface Idp {
  issuer: string;
  jwksFetches: number;
  /** What the JWKS endpoint answers instead of the key set (an outage), or null. */
  jwksFailure: null | { status: number; body: string };
  sign(options: SignOptions): Promise<string>;
  /** Publishes a new key (new kid) beside the old one and signs with it from now on. */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

type Key = { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK };

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** An authorization server as far as a resource server sees it: metadata and a JWKS. */
export async function startIdp(options: { openIdOnly?: boolean } = {}): Promise<Idp> {
  const keys: Key[] = [await newKey('k1')];
  const foreign = await newKey('k1');
  let issuer = '';
  const state: Pick<Idp, 'jwksFetches' | 'jwksFailure'> = { jwksFetches: 0, jwksFailure: null };
  const server: Server = createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const meta = { issuer, jwks_uri: `${issuer}/jwks` };
    if (req.url === '/.well-known/oauth-authorization-server' && !options.openIdOnly)
      return send(meta);
    if (req.url === '/.well-known/openid-configuration') return send(meta);
    if (req.url === '/jwks') {
      state.jwksFetches++;
      if (state.jwksFailure) {
        res.writeHead(state.jwksFailure.status, { 'content-type': 'text/html' });
        return res.end(state.jwksFailure.body);
      }
      return send({ keys: keys.map((k) => k.jwk) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    get jwksFetches() {
      return state.jwksFetches;
    },
    get jwksFailure() {
      return state.jwksFailure;
    },
    set jwksFailure(failure) {
      state.jwksFailure = failure;
    },
    async sign(o) {
      const key = o.foreignKey ? foreign : (keys[keys.length - 1] as Key);
      let jwt = new SignJWT({ scope: o.scope ?? 'openid billing:read' })
        .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid as string })
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? 'https://billing-mcp.example.com/mcp')
        .setSubject(o.subject ?? 'agent-1')
        .setIssuedAt(Math.floor(Date.now() / 1000) + (o.issuedIn ?? 0));
      if (o.expiresIn !== null)
        jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (o.expiresIn ?? 300));
      return jwt.sign(key.privateKey);
    },
    async rotate() {
      keys.push(await newKey(`k${keys.length + 1}`));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
