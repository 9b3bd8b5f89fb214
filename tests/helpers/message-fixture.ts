// A wire message for the web client's unit tests: the fields a test cares about, the rest
// as a plain, undeleted, unedited message with nothing attached.
import type { Message } from "../../src/shared/api.ts";

export function aMessage(fields: Partial<Message> & { id: number }): Message {
  return {
    conversationId: 1,
    senderId: 1,
    body: `m${fields.id}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, fields.id)).toISOString(),
    seq: fields.id,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    reactions: [],
    mentions: [],
    attachments: [],
    ...fields,
  };
}
