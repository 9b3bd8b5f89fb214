// Sending over the socket: a `send` frame per message, settled by the `ack` or `error`
// frame that carries its clientId. A send the socket cannot carry (not open, closed before
// the answer, no answer in time) fails with NotSent, and its caller sends it another way
// (history.send) with the same clientId: the server stores it once whichever arrives.
import type { Message, SendInput } from "../../../src/shared/api.ts";
import type { ErrorCode, FieldErrors } from "../../../src/shared/errors.ts";
import type { ClientFrame, ServerFrame } from "../../../src/shared/events.ts";

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

  /** `sendFrame`: Connection.send, false when the socket is not online. */
  constructor(
    private readonly sendFrame: (frame: ClientFrame) => boolean,
    private readonly ackTimeoutMs = ACK_TIMEOUT_MS,
  ) {}

  send(input: SendInput & { clientId: string }, signal?: AbortSignal): Promise<Message> {
    const { clientId } = input;
    return new Promise<Message>((resolve, reject) => {
      this.settle(clientId, new NotSent("sent again"));
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
    if (frame.type !== "error" || frame.clientId === undefined) return false;
    const { type: _, clientId, ...failure } = frame;
    return this.settle(clientId, new SendRefused(failure));
  }

  /** The socket closed: what it carried may or may not be stored, and goes another way. */
  dropAll() {
    for (const clientId of [...this.waiting.keys()]) this.settle(clientId, new NotSent("socket closed"));
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
