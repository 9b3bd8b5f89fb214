// The change stream on the wire: a conversation's changes after a number, and read marks.
import { z } from "zod";
import type { Message } from "./api.ts";

const id = z.number().int().positive();
const seq = z.number().int().min(0);

/** `history.changes`: a conversation's changes after `after` (a number the client holds). */
export const changesInput = z.object({ conversationId: id, after: seq });
/** @public for the web client's outbox (issue 12), not used yet. */
export type ChangesInput = z.infer<typeof changesInput>;

/** How far `userId` has read in a conversation, and the stream number of that change. */
export type ReadMark = { userId: number; upTo: number; seq: number };

/**
 * A conversation's changes after a number, each as it is now, in stream order. The reader
 * then holds `seq`: the conversation's latest number when `complete`, otherwise the last
 * change returned (ask again after it).
 */
export type ChangesPage = {
  conversationId: number;
  messages: Message[];
  reads: ReadMark[];
  seq: number;
  complete: boolean;
};
