// A system line in the reader's language: the server sends what happened (a structured
// event) and who did it; the words are the client's.
import type { RoomEvent } from "../../../../src/shared/api.ts";
import type { Translate } from "../../i18n/index.ts";

/** Text from people (names, a topic) sits in an isolate, so its direction cannot reorder the sentence. */
const isolate = (text: string) => `\u2068${text}\u2069`;

export function roomEventText(
  t: Translate,
  event: RoomEvent,
  actorName: string,
  nameOfId: (id: number) => string,
): string {
  const actor = isolate(actorName);
  const nameOf = (id: number) => isolate(nameOfId(id));
  switch (event.type) {
    case "joined":
      return t("room.events.joined", actor);
    case "left":
      return t("room.events.left", actor);
    case "invited":
      return t("room.events.invited", actor, nameOf(event.userId));
    case "removed":
      return t("room.events.removed", actor, nameOf(event.userId));
    case "renamed":
      return t("room.events.renamed", actor, isolate(event.from), isolate(event.to));
    case "topic":
      return event.topic ? t("room.events.topic", actor, isolate(event.topic)) : t("room.events.topicCleared", actor);
    case "role":
      return event.role === "moderator"
        ? t("room.events.moderator", actor, nameOf(event.userId))
        : t("room.events.member", actor, nameOf(event.userId));
    case "owner":
      return t("room.events.owner", actor, nameOf(event.userId));
    case "archived":
      return event.archived ? t("room.events.archived", actor) : t("room.events.unarchived", actor);
  }
}
