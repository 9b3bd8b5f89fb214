// Mention markup in a message body: `<@123>` names a person by id (so a rename never
// breaks it), `<@room>` everyone in a room. Shared: the server records mentions from it,
// the web client renders it.

/** Rooms up to this many members: anyone may mention `<@room>`; beyond it, moderators only. */
export const OPEN_ROOM_MENTION_LIMIT = 50;

const MENTION = /<@(\d{1,15}|room)>/g;

/** The people a body names by id, once each in order, and whether it mentions the room. */
export function mentionMarkup(body: string): { userIds: number[]; room: boolean } {
  const userIds = new Set<number>();
  let room = false;
  for (const [, target] of body.matchAll(MENTION)) {
    if (target === "room") room = true;
    else userIds.add(Number(target));
  }
  return { userIds: [...userIds], room };
}
