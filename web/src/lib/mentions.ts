// Mentions as the wire stores them, `<@123>` for a person and `<@room>` for a room, and as
// people read and type them, `@Name`. A stored mention names the account, so a rename
// shows at once; the composer turns the names it inserted back into markup on send.

export const MENTION_MARKUP = /<@(\d{1,12}|room)>/g;

export type MentionTarget = { userId: number | "room"; name: string };

/** `<@id>` replaced by `@Name` (plain text: previews, notifications, the edit box). */
export function mentionsAsNames(body: string, nameOf: (userId: number | "room") => string): string {
  return body.replace(MENTION_MARKUP, (_, id: string) => `@${nameOf(id === "room" ? "room" : Number(id))}`);
}

/** The mentions a body holds, with the names they show now (to turn back on save). */
export function mentionTargets(body: string, nameOf: (userId: number | "room") => string): MentionTarget[] {
  const targets: MentionTarget[] = [];
  for (const match of body.matchAll(MENTION_MARKUP)) {
    const userId = match[1] === "room" ? "room" : Number(match[1]);
    if (!targets.some((target) => target.userId === userId)) targets.push({ userId, name: nameOf(userId) });
  }
  return targets;
}

/**
 * `@Name` back to `<@id>` for each mention chosen while writing. Longer names first, so
 * "@Ada Lovelace" is not taken for "@Ada"; a name must end at a word boundary.
 */
export function namesAsMentions(text: string, targets: readonly MentionTarget[]): string {
  let result = text;
  const sorted = [...targets].sort((a, b) => b.name.length - a.name.length);
  for (const target of sorted) {
    const escaped = target.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`@${escaped}(?![\\p{L}\\p{N}_])`, "gu");
    result = result.replace(pattern, `<@${target.userId}>`);
  }
  return result;
}
