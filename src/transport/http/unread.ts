/**
 * A bound on the answer bytes a connection's client has not read. A client that sends batches or
 * pipelines requests and never reads still gets every answer produced (the SDK streams each
 * message as it is ready) and buffered, each holding its tool-call slots until the socket closes.
 * The writer (./web.ts) puts answers into the connection's buffers as they come, where they are
 * counted; past the bound the connection is cut: its answers are dropped, their calls aborted,
 * their slots released, and the access log says `unread_answers` for each of them.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_RESULT_BYTES } from '../../tools/result.js';

/**
 * Eight full-size results (MAX_RESULT_BYTES each). A client that reads keeps what the kernel
 * cannot take at once near zero; only one that stopped reading, or a batch of more than eight
 * full-size results finishing together, gets near this.
 */
export const MAX_UNREAD_ANSWER_BYTES = 8 * MAX_RESULT_BYTES;

export class UnreadAnswers {
  /** Responses not yet closed, per connection: their buffered bytes are the connection's unread. */
  private readonly open = new WeakMap<Socket, Set<ServerResponse>>();
  private readonly cut = new WeakSet<ServerResponse>();

  constructor(readonly limit: number = MAX_UNREAD_ANSWER_BYTES) {}

  /** Counts `res` toward its connection until it closes. */
  track(res: ServerResponse): void {
    const socket = res.req.socket;
    let responses = this.open.get(socket);
    if (!responses) {
      responses = new Set();
      this.open.set(socket, responses);
    }
    responses.add(res);
    res.once('close', () => responses.delete(res));
  }

  /**
   * Bytes written to the connection's answers that the kernel has not taken: the socket's own
   * buffer (counted in the writableLength of the response that holds the socket) plus what each
   * answer queued behind it (pipelined) has buffered.
   */
  bytes(socket: Socket): number {
    let total = 0;
    for (const res of this.open.get(socket) ?? []) total += res.writableLength;
    return total;
  }

  /** After a write to `res`: past the bound, the connection is destroyed (true). */
  cutIfOver(res: ServerResponse): boolean {
    const socket = res.req.socket;
    if (this.bytes(socket) <= this.limit) return false;
    for (const dropped of this.open.get(socket) ?? []) this.cut.add(dropped);
    socket.destroy();
    return true;
  }

  /** Whether `res` was dropped with its connection for unread answers (the access log says so). */
  wasCut(res: ServerResponse): boolean {
    return this.cut.has(res);
  }
}
