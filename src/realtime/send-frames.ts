// `send` frames: history.send over the socket. The same domain function as the tRPC
// procedure (chat/messages.ts sendMessage: clientId idempotency, body check, send limit,
// commit then announce), answered with `ack` once committed, or an `error` frame with the
// procedure's code, both carrying the clientId. A socket's sends run one after another,
// in the order they arrived, so a client's messages are stored in the order it sent them.
import { sendMessage } from "../chat/messages.ts";
import { isStorageFailure, STORAGE_RETRY_AFTER_SECONDS } from "../db/write-health.ts";
import type { Deps } from "../deps.ts";
import { AppError, INTERNAL_ERROR_MESSAGE, STORAGE_UNAVAILABLE_MESSAGE } from "../shared/errors.ts";
import { type ClientFrame, MAX_PENDING_SENDS, type ServerFrame } from "../shared/events.ts";
import type { Conn, Hub } from "./hub.ts";

type SendFrame = Extract<ClientFrame, { type: "send" }>;

export type SendContext = { deps: Deps; hub: Hub };

type SocketSends = { pending: number; tail: Promise<void> };

// Beside the hub's Conn, gone with the socket.
const queues = new WeakMap<Conn, SocketSends>();

/**
 * Queues a `send` behind the socket's earlier ones. A refusal is an answer to that send,
 * not a bad frame: it does not count towards the socket's error limit.
 */
export function queueSend(ctx: SendContext, conn: Conn, frame: SendFrame): void {
  let queue = queues.get(conn);
  if (!queue) {
    queue = { pending: 0, tail: Promise.resolve() };
    queues.set(conn, queue);
  }
  if (queue.pending >= MAX_PENDING_SENDS) {
    // Bounds what one socket can make the server hold; the client waits for its answers.
    ctx.hub.send(
      conn,
      refusal(frame.clientId, new AppError("TOO_MANY_REQUESTS", "Too many sends waiting", undefined, 1)),
    );
    return;
  }
  const socketSends = queue;
  socketSends.pending += 1;
  socketSends.tail = socketSends.tail.then(async () => {
    try {
      // A socket closed meanwhile (its session ended, or it dropped) sends nothing more;
      // its client sends again, with the same clientId.
      if (!conn.closed) ctx.hub.send(conn, await answer(ctx, conn, frame));
    } finally {
      socketSends.pending -= 1;
    }
  });
}

async function answer(ctx: SendContext, conn: Conn, frame: SendFrame): Promise<ServerFrame> {
  const { type: _, ...input } = frame;
  try {
    const message = await sendMessage(ctx.deps, conn.userId, input);
    return { type: "ack", clientId: frame.clientId, message };
  } catch (error) {
    if (error instanceof AppError) return refusal(frame.clientId, error);
    // As the tRPC procedures answer them (trpc/init.ts): a storage failure asks to wait,
    // a bug says nothing of itself.
    if (isStorageFailure(error)) {
      ctx.deps.writeHealth.failed();
      return refusal(
        frame.clientId,
        new AppError("SERVICE_UNAVAILABLE", STORAGE_UNAVAILABLE_MESSAGE, undefined, STORAGE_RETRY_AFTER_SECONDS),
      );
    }
    ctx.deps.logger.error({ err: error, userId: conn.userId, clientId: frame.clientId }, "socket send failed");
    return refusal(frame.clientId, new AppError("INTERNAL_SERVER_ERROR", INTERNAL_ERROR_MESSAGE));
  }
}

function refusal(clientId: string, error: AppError): ServerFrame {
  return {
    type: "error",
    code: error.code,
    message: error.message,
    clientId,
    ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}),
    ...(error.fields ? { fields: error.fields } : {}),
  };
}
