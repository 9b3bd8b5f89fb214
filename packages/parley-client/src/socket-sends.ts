// Sending over the socket: a `send` frame per message, settled by the `ack` or `error`
// frame that carries its clientId. A send the socket cannot carry (not open, closed before
// the answer, no answer in time) fails with NotSent, and its caller sends it another way
// (history.send) with the same clientId: the server stores it once whichever arrives.
// A server older than the `send` frame answers it with "Unknown frame type" (no clientId)
// and closes the socket with 1008 at its tenth error frame, which reads as "session ended":
// at the first such answer, every waiting send goes another way at once and this
// connection's later sends skip the socket, until it closes (the next may reach a newer server).
import type { Message, SendInput } from "../../../src/shared/api.ts";
import type { ErrorCode, FieldErrors } from "../../../src/shared/errors.ts";
import { type ClientFrame, type ServerFrame, UNKNOWN_FRAME_TYPE } from "../../../src/shared/events.ts";

/** How long a send waits for its answer before it goes another way. */
export const ACK_TIMEOUT_MS = 5000;

/** The socket did not carry the send, or gave no answer: send it another way. */
export class NotSent extends Error {}

/** The server refused the send (the codes of history.send). */
export class SendRefused extends Error {
  constructor(readonly failure: { code: ErrorCode; message: string; retryAfter?: number; fields?: FieldErrors }) {
    super(failure.message);
  }
}

type Waiting = { resolve: (message: Message) => void; reject: (error: Error) => void; timer: unknown };

export class SocketSends {
  private readonly waiting = new Map<string, Waiting>();
  /** This connection's server does not know `send` frames (an older version). */
  private serverLacksSends = false;

  /** `sendFrame`: Connection.send, false when the socket is not online. */
  constructor(
    private readonly sendFrame: (frame: ClientFrame) => boolean,
    private readonly ackTimeoutMs = ACK_TIMEOUT_MS,
  ) {}

  send(input: SendInput & { clientId: string }, signal?: AbortSignal): Promise<Message> {
    const { clientId } = input;
    return new Promise<Message>((resolve, reject) => {
      this.settle(clientId, new NotSent("sent again"));
      if (this.serverLacksSends) return reject(new NotSent("the server does not take send frames"));
      if (signal?.aborted || !this.sendFrame({ type: "send", ...input }))
        return reject(new NotSent("socket not online"));
      const timer = setTimeout(() => this.settle(clientId, new NotSent("no answer")), this.ackTimeoutMs);
      this.waiting.set(clientId, { resolve, reject, timer });
      signal?.addEventListener("abort", () => this.settle(clientId, new NotSent("aborted")), { once: true });
    });
  }

  /** Settles the send a frame answers; false when the frame is not such an answer. */
  receive(frame: ServerFrame): boolean {
    if (frame.type === "ack") return this.settle(frame.clientId, frame.message);
    if (frame.type !== "error") return false;
    if (frame.clientId === undefined) return this.unknownToServer(frame);
    const { type: _, clientId, ...failure } = frame;
    return this.settle(clientId, new SendRefused(failure));
  }

  /** The socket closed: what it carried may or may not be stored, and goes another way. */
  dropAll() {
    this.serverLacksSends = false;
    for (const clientId of [...this.waiting.keys()]) this.settle(clientId, new NotSent("socket closed"));
  }

  /**
   * An error without clientId while sends wait: "Unknown frame type" means the server
   * predates `send` (this client sends no other frame an older server lacks). Every waiting
   * send goes another way now, not after ACK_TIMEOUT_MS, and later ones skip this socket.
   */
  private unknownToServer(frame: { code: ErrorCode; message: string }): boolean {
    if (frame.code !== "BAD_REQUEST" || frame.message !== UNKNOWN_FRAME_TYPE) return false;
    if (this.waiting.size === 0 && !this.serverLacksSends) return false;
    this.serverLacksSends = true;
    for (const clientId of [...this.waiting.keys()]) {
      this.settle(clientId, new NotSent("the server does not take send frames"));
    }
    return true;
  }

  private settle(clientId: string, outcome: Message | Error): boolean {
    const waiting = this.waiting.get(clientId);
    if (!waiting) return false;
    this.waiting.delete(clientId);
    clearTimeout(waiting.timer as ReturnType<typeof setTimeout>);
    if (outcome instanceof Error) waiting.reject(outcome);
    else waiting.resolve(outcome);
    return true;
  }
}
