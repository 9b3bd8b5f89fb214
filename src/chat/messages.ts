// Sending and reading messages. A message is committed before it is announced: the
// notifier is told only after the transaction, so a frame lost on the bus is found again
// by `resume`, and no client ever sees a message that the database does not have.
import { and, count, desc, eq, lt, lte, max, ne, sql } from "drizzle-orm";
import { logActivity } from "../db/activity.ts";
import { type Db, perDatabase } from "../db/client.ts";
import type { MessageRow } from "../db/schema.ts";
import { tablesOf } from "../db/tables.ts";
import { readTransaction, transaction } from "../db/transaction.ts";
import type { Deps } from "../deps.ts";
import { attachUploads } from "../files/attachments.ts";
import {
  checkMessageBody,
  type Message,
  type MessagesInput,
  type MessagesPage,
  type ReadState,
  type ReplyTo,
  replyExcerpt,
  type SendInput,
} from "../shared/api.ts";
import { AppError } from "../shared/errors.ts";
import { requireDirectNotBlocked, requireNotBlocked } from "./blocks.ts";
import {
  conversationNotFound,
  conversationView,
  ensureDirectConversation,
  findDirectConversation,
  requireMembership,
} from "./conversations.ts";
import { resolveMentions, storeMentions } from "./mentions.ts";
import { messageView, messageViews, newMessageView } from "./message-views.ts";
import { requireNotArchived } from "./room-roles.ts";
import { currentSeq, readMarks, takeSeq } from "./stream.ts";

const THROTTLE_LOG_INTERVAL_MS = 60_000;

const userNotFound = () => new AppError("NOT_FOUND", "No such user");
const notInConversation = "A reply must answer a message of the same conversation";

// The send path's statements, prepared once per database (see perDatabase).
const sendStatements = perDatabase((db) => {
  const { conversations, members, messages, users } = tablesOf(db);
  const p = sql.placeholder;
  return {
    byClientId: db
      .select()
      .from(messages)
      .where(and(eq(messages.senderId, p("senderId")), eq(messages.clientId, p("clientId"))))
      .prepare(),
    user: db
      .select({ id: users.id, isActive: users.isActive })
      .from(users)
      .where(eq(users.id, p("userId")))
      .prepare(),
    /** Whether the other member of a direct conversation is active. */
    peerActive: db
      .select({ isActive: users.isActive })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.conversationId, p("conversationId")), ne(members.userId, p("userId"))))
      .prepare(),
    insert: db
      .insert(messages)
      .values({
        conversationId: p("conversationId"),
        senderId: p("senderId"),
        body: p("body"),
        clientId: p("clientId"),
        createdAt: p("createdAt"),
        seq: p("seq"),
        replyToId: p("replyToId"),
      })
      .onConflictDoNothing({ target: [messages.senderId, messages.clientId] })
      .returning()
      .prepare(),
    /** A reply's parent, if it is a message of the conversation. */
    parent: db
      .select({ id: messages.id, senderId: messages.senderId, body: messages.body, deletedAt: messages.deletedAt })
      .from(messages)
      .where(and(eq(messages.id, p("messageId")), eq(messages.conversationId, p("conversationId"))))
      .prepare(),
    setLastMessage: db
      .update(conversations)
      .set({ lastMessageId: sql`${p("messageId")}` })
      .where(eq(conversations.id, p("conversationId")))
      .prepare(),
  };
});

async function findByClientId(db: Db, senderId: number, clientId: string): Promise<MessageRow | undefined> {
  return (await sendStatements(db).byClientId.execute({ senderId, clientId }))[0];
}

/**
 * Sends `input.body` to a user (creating the direct conversation on first use) or to a
 * conversation the sender is a member of. A known clientId returns the stored message
 * unchanged, announces nothing and costs no token; concurrent retries are settled by the
 * unique (sender_id, client_id) index, and the loser gives its token back.
 */
export async function sendMessage(deps: Deps, senderId: number, input: SendInput): Promise<Message> {
  const { clientId, to } = input;
  if (clientId !== undefined) {
    const stored = await findByClientId(deps.db, senderId, clientId);
    if (stored) return messageView(deps.db, stored);
  }
  const attachmentIds = input.attachmentIds ?? [];
  // A message may be files alone: then an empty body is fine.
  const checked =
    attachmentIds.length > 0 && input.body.trim() === ""
      ? ({ ok: true, body: "" } as const)
      : checkMessageBody(input.body, deps.config.maxBody);
  if (!checked.ok) throw new AppError("BAD_REQUEST", checked.message, { body: checked.message });
  if ("userId" in to && to.userId === senderId) {
    throw new AppError("BAD_REQUEST", "You cannot send a message to yourself", { to: "That is you" });
  }

  const wait = await deps.sendLimiter.take(senderId);
  if (wait > 0) {
    // The first attempt may have committed on another instance meanwhile.
    const stored = clientId === undefined ? undefined : await findByClientId(deps.db, senderId, clientId);
    if (stored) return messageView(deps.db, stored);
    throw await throttled(deps, senderId, wait);
  }

  let outcome: Awaited<ReturnType<typeof storeMessage>>;
  try {
    outcome = await storeMessage(deps, senderId, input, checked.body);
  } catch (error) {
    if (!(error instanceof AlreadyStored)) throw error;
    await deps.sendLimiter.refund(senderId);
    return messageView(deps.db, error.stored);
  }

  // Committed: now, and only now, the realtime layer hears of it.
  const message = newMessageView(outcome.message, {
    replyTo: outcome.replyTo,
    mentions: outcome.mentions,
    attachments: outcome.attachments,
  });
  deps.metrics.messagesSent.inc();
  if (outcome.created && "userId" in to) {
    // Each member gets their own view of the new conversation, before its first message.
    for (const userId of [senderId, to.userId]) {
      deps.notifier.conversationAdded(userId, await conversationView(deps, userId, message.conversationId));
    }
  }
  deps.notifier.message(message);
  return message;
}

/** The clientId was stored by a concurrent attempt: that message is the answer. */
class AlreadyStored extends Error {
  constructor(readonly stored: MessageRow) {
    super("message already stored");
  }
}

/** Inserts the message in one transaction; `created` when its direct conversation is new. */
async function storeMessage(deps: Deps, senderId: number, input: SendInput, body: string) {
  const { clientId, to } = input;
  const now = deps.clock.now();
  return transaction(deps.db, async (tx) => {
    const prepared = sendStatements(tx);
    let conversationId: number;
    let kind: "direct" | "room" = "direct";
    let created = false;
    if ("userId" in to) {
      const [peer] = await prepared.user.execute({ userId: to.userId });
      if (!peer?.isActive) throw userNotFound();
      await requireNotBlocked(tx, senderId, peer.id);
      const direct = await ensureDirectConversation(tx, senderId, peer.id, now);
      conversationId = direct.conversation.id;
      created = direct.created;
    } else {
      const { conversation } = await requireMembership(tx, senderId, to.conversationId);
      // A deactivated peer cannot be written to, whichever way the conversation is named.
      if (
        conversation.kind === "direct" &&
        !(await prepared.peerActive.execute({ conversationId: conversation.id, userId: senderId }))[0]?.isActive
      ) {
        throw conversationNotFound();
      }
      await requireDirectNotBlocked(tx, senderId, conversation.id);
      // An archived room is read-only.
      requireNotArchived(conversation);
      conversationId = conversation.id;
      kind = conversation.kind;
    }
    // The conversation's next number, taken first: on PostgreSQL this locks the
    // conversation's row, so concurrent senders commit their numbers in order.
    const seq = await takeSeq(tx, conversationId);
    let replyTo: ReplyTo | null = null;
    if (input.replyTo !== undefined) {
      const [parent] = await prepared.parent.execute({ messageId: input.replyTo, conversationId });
      // The same answer whether the id exists elsewhere or not at all: no hint either way.
      if (!parent) throw new AppError("BAD_REQUEST", notInConversation, { replyTo: notInConversation });
      replyTo = replyExcerpt(parent);
    }
    const mentioned = await resolveMentions(tx, { id: conversationId, kind }, senderId, body);
    const [inserted] = await prepared.insert.execute({
      conversationId,
      senderId,
      body,
      clientId: clientId ?? null,
      createdAt: now,
      seq,
      replyToId: input.replyTo ?? null,
    });
    if (!inserted) {
      // A concurrent retry of the same clientId committed first (another instance).
      // Throwing rolls back whatever this attempt made, a new conversation included.
      const stored = clientId === undefined ? undefined : await findByClientId(tx, senderId, clientId);
      if (!stored) throw new Error("message insert ignored without a stored message");
      throw new AlreadyStored(stored);
    }
    await prepared.setLastMessage.execute({ messageId: inserted.id, conversationId });
    if (mentioned.length > 0) await storeMentions(tx, inserted.id, conversationId, mentioned);
    const attached = await attachUploads(tx, senderId, inserted, input.attachmentIds ?? []);
    return { message: inserted, created, replyTo, mentions: mentioned, attachments: attached };
  });
}

/**
 * The refusal of an action over the send limit (a message, an edit, a reaction), noted in
 * the metrics and the activity log.
 */
export async function throttled(deps: Deps, userId: number, retryAfter: number): Promise<AppError> {
  await recordThrottled(deps, userId, retryAfter);
  return new AppError("TOO_MANY_REQUESTS", `Sending too fast; try again in ${retryAfter} s`, undefined, retryAfter);
}

// At most one log line per user a minute, however fast they hammer.
async function recordThrottled(deps: Deps, userId: number, retryAfter: number) {
  const { activityLog } = tablesOf(deps.db);
  deps.metrics.sendsThrottled.inc();
  const now = deps.clock.now();
  const [lastLogged] = await deps.db
    .select({ at: activityLog.at })
    .from(activityLog)
    .where(and(eq(activityLog.userId, userId), eq(activityLog.kind, "send_throttled")))
    .orderBy(desc(activityLog.id))
    .limit(1);
  if (lastLogged && now - lastLogged.at < THROTTLE_LOG_INTERVAL_MS) return;
  await logActivity(deps.db, { at: now, kind: "send_throttled", userId, detail: { retryAfter } });
}

/** A page of a conversation's messages, oldest first, before `input.before`. */
export async function listMessages(deps: Deps, userId: number, input: MessagesInput): Promise<MessagesPage> {
  let conversationId: number;
  if ("peerId" in input) {
    const direct = await findDirectConversation(deps.db, userId, input.peerId);
    // No conversation with them yet: nothing to show (and no hint whether they exist).
    if (!direct || input.peerId === userId) return { items: [], hasMore: false };
    conversationId = direct.id;
  } else {
    conversationId = input.conversationId;
  }
  const limit = input.limit ?? deps.config.messagesToLoad;
  // One read transaction: the latest page and where the stream stands come from the same
  // snapshot, so the reader holds exactly what the page shows up to `stream.seq`.
  return readTransaction(deps.db, async (tx) => {
    const { messages } = tablesOf(tx);
    const { lastReadMessageId } = await requireMembership(tx, userId, conversationId);
    const rows = await tx
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          input.before === undefined ? undefined : lt(messages.id, input.before),
        ),
      )
      .orderBy(desc(messages.id))
      .limit(limit + 1);
    const page: MessagesPage = {
      items: await messageViews(tx, rows.slice(0, limit).reverse()),
      hasMore: rows.length > limit,
    };
    if (input.before === undefined) {
      page.stream = {
        seq: await currentSeq(tx, conversationId),
        readUpTo: lastReadMessageId,
        reads: await readMarks(tx, userId, conversationId),
      };
    }
    return page;
  });
}

/** One message, for members of its conversation only. */
export async function getMessage(deps: Deps, userId: number, messageId: number): Promise<Message> {
  const { members, messages } = tablesOf(deps.db);
  const [row] = await deps.db
    .select({ message: messages })
    .from(messages)
    .innerJoin(members, and(eq(members.conversationId, messages.conversationId), eq(members.userId, userId)))
    .where(eq(messages.id, messageId))
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", "No such message");
  return messageView(deps.db, row.message);
}

/**
 * Moves the reader's mark to `upTo`, clamped to the newest message of the conversation
 * at or below it; never backwards. Announces the new mark when it moved.
 */
export async function markRead(deps: Deps, userId: number, conversationId: number, upTo: number): Promise<ReadState> {
  const outcome = await transaction(deps.db, async (tx) => {
    const { members, messages } = tablesOf(tx);
    const { lastReadMessageId } = await requireMembership(tx, userId, conversationId);
    const [newest] = await tx
      .select({ id: max(messages.id) })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), lte(messages.id, upTo)))
      .limit(1);
    const target = newest?.id ?? 0;
    const moved = target > lastReadMessageId;
    let seq = 0;
    if (moved) {
      // A read mark is a change of the conversation like a message: it takes a number.
      seq = await takeSeq(tx, conversationId);
      await tx
        .update(members)
        .set({ lastReadMessageId: target, readSeq: seq })
        .where(and(eq(members.conversationId, conversationId), eq(members.userId, userId)));
    }
    const mark = moved ? target : lastReadMessageId;
    const [unread] = await tx
      .select({ n: count() })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          sql`${messages.id} > ${mark}`,
          sql`${messages.senderId} <> ${userId}`,
          eq(messages.kind, "user"),
        ),
      )
      .limit(1);
    return { mark, moved, seq, unread: unread?.n ?? 0 };
  });
  if (outcome.moved) deps.notifier.read(conversationId, userId, outcome.mark, outcome.seq);
  return { conversationId, upTo: outcome.mark, unread: outcome.unread };
}
