/**
 * Unsolicited `100 Continue`. undici 7 destroys the socket on any 100 interim response it did
 * not ask for ("bad response", client-h1.js onHeadersComplete), though RFC 9110 §15.2 says a
 * client must be able to parse and ignore one; some proxies and servers send it to every POST.
 * This connector hands undici its usual socket with `read` filtered: at the start of each
 * response (the first bytes after a request is written; undici sends the next request on a
 * connection only once the previous response is complete) `HTTP/1.x 100 …\r\n\r\n` blocks are
 * dropped. Other 1xx codes undici already skips itself.
 */
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';

type Connector = buildConnector.connector;

const INTERIM_100 = /^HTTP\/1\.[01] 100[ \r]/;
/** Enough bytes to tell a status line from anything else. */
const STATUS_PREFIX = 13;
/** An interim response longer than this is not one: passed on for undici to judge. */
const MAX_INTERIM_BYTES = 8192;

export function skippingContinue(connect: Connector): Connector {
  return (options, callback) =>
    connect(options, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new Error('no socket'), null);
        return;
      }
      filterInterim(socket);
      callback(null, socket);
    });
}

function filterInterim(socket: Socket): void {
  let atResponseStart = false;
  let held: Buffer | null = null;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    if (held === null) atResponseStart = true;
    return write(...args);
  }) as Socket['write'];
  const read = socket.read.bind(socket);
  socket.read = ((size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (!atResponseStart) return chunk;
    if (chunk === null) return null;
    let data: Buffer = held ? Buffer.concat([held, chunk]) : chunk;
    held = null;
    for (;;) {
      if (data.length < STATUS_PREFIX && !socket.readableEnded) {
        held = data; // too short to tell yet: wait for more
        return null;
      }
      if (!INTERIM_100.test(data.subarray(0, STATUS_PREFIX).toString('latin1'))) break;
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) {
        if (data.length > MAX_INTERIM_BYTES) break;
        held = data;
        return null;
      }
      data = data.subarray(end + 4);
      if (data.length === 0) return null;
    }
    atResponseStart = false;
    return data;
  }) as Socket['read'];
}
