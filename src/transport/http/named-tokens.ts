/**
 * Named static tokens (BILLING_MCP_HTTP_TOKENS_FILE): one line per token holder,
 *
 *   <name> sha256:<hex SHA-256 of the token> <provider>[,<provider>…]
 *
 * (`#` comments and blank lines allowed). The file holds digests, never tokens, so reading it
 * (a backup, a config repo) gives nobody access; tokens are random strings of 16+ visible ASCII
 * characters, for which a plain SHA-256 is as good as the token is long. The name is the audit
 * log's principal; the providers are the token's grant (./grants.ts). Every rule is checked at
 * start-up with the line number, and no message quotes a field that could hold a secret.
 */
import { ConfigError } from '../../errors.js';
import { PROVIDER_IDS } from '../../providers/registry.js';
import { type Authenticator, digestAuth, sha256, type TokenHolder } from './auth.js';
import { TOKENS_FILE_VARIABLE } from './grants.js';

export interface NamedToken {
  name: string;
  /** SHA-256 of the token. */
  digest: Buffer;
  /** Provider order; only configured providers. */
  grant: readonly string[];
}

/** The name the audit log gives the holder of BILLING_MCP_HTTP_TOKEN: no line may take it. */
export const SINGLE_TOKEN_NAME = 'token';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;
const FORMAT = '<name> sha256:<64 hex digits> <provider>[,<provider>…]';

/** The file's lines as tokens, or a ConfigError naming the first line that breaks a rule. */
export function parseTokensFile(content: string, configured: readonly string[]): NamedToken[] {
  const tokens: NamedToken[] = [];
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  const lines = content.split('\n');
  for (const [index, raw] of lines.entries()) {
    const number = index + 1;
    const fail = (rule: string): never => {
      throw new ConfigError(`${TOKENS_FILE_VARIABLE} line ${number}: ${rule}`);
    };
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!isAsciiLine(line)) {
      fail('only visible ASCII characters (0x21-0x7E), spaces and tabs are allowed.');
    }
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const fields = text.split(/[ \t]+/);
    if (fields.length !== 3) fail(`expected ${FORMAT} (3 fields, got ${fields.length}).`);
    const [name, hash, providers] = fields as [string, string, string];
    if (!NAME.test(name)) {
      fail(
        'the name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
      );
    }
    if (name === SINGLE_TOKEN_NAME) {
      fail(`the name "${SINGLE_TOKEN_NAME}" is reserved for the holder of BILLING_MCP_HTTP_TOKEN.`);
    }
    const seenName = names.get(name);
    if (seenName !== undefined) fail(`the name ${name} is already used on line ${seenName}.`);
    const hex = DIGEST.exec(hash)?.[1]?.toLowerCase();
    if (hex === undefined) {
      fail(
        'the second field must be sha256: and the SHA-256 of the token in 64 hex digits; the file holds digests, never tokens (docs/remote.md shows how to make one).',
      );
    }
    const seenDigest = digests.get(hex as string);
    if (seenDigest !== undefined) {
      fail(`the same token as line ${seenDigest}: one token, one name.`);
    }
    const grant = providerList(providers, fail);
    const served = configured.filter((id) => grant.includes(id));
    if (served.length === 0) {
      fail(
        `${name} is granted ${grant.join(', ')}, none of which this server serves (configured: ${configured.join(', ') || 'none'}).`,
      );
    }
    names.set(name, number);
    digests.set(hex as string, number);
    tokens.push({ name, digest: Buffer.from(hex as string, 'hex'), grant: served });
  }
  if (tokens.length === 0) {
    throw new ConfigError(`${TOKENS_FILE_VARIABLE} holds no token lines (${FORMAT}).`);
  }
  return tokens;
}

function providerList(field: string, fail: (rule: string) => never): string[] {
  const rule = `the providers must be a comma-separated list of ${PROVIDER_IDS.join(', ')}, each once.`;
  const ids = field.split(',');
  const known = ids.filter((id): id is string => (PROVIDER_IDS as readonly string[]).includes(id));
  if (known.length !== ids.length || new Set(known).size !== known.length) fail(rule);
  return known;
}

/** Printable ASCII and tabs: a loop, linear in the line. */
function isAsciiLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code !== 0x09 && (code < 0x20 || code > 0x7e)) return false;
  }
  return true;
}

/** The file's tokens, and BILLING_MCP_HTTP_TOKEN's beside them (it grants every provider). */
export function namedTokensAuth(tokens: readonly NamedToken[], single?: string): Authenticator {
  const holders: TokenHolder[] = tokens.map((token) => ({
    digest: token.digest,
    accepted: { principal: { kind: 'token', name: token.name }, grant: token.grant },
  }));
  if (single !== undefined) {
    holders.push({
      digest: sha256(single),
      accepted: { principal: { kind: 'token', name: SINGLE_TOKEN_NAME } },
    });
  }
  return digestAuth(holders);
}
