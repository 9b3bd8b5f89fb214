// Whom the composer's `@` offers in one conversation: a direct conversation's peer, or a
// room's members (fetched with rooms.members the first time `@` is typed, then kept), and
// `@room` where the person may use it: anyone in a room of up to 50 members, its
// moderators, owner and site admins beyond (the server's rule, chat/mentions.ts).
import { createSignal } from "solid-js";
import type { Conversation, UserSummary } from "../../../src/shared/api.ts";
import type { MentionCandidate } from "../lib/mention-complete.ts";
import { useApp, useChat } from "../stores/context.tsx";
import { displayName } from "../stores/people.ts";

/** Rooms larger than this allow `@room` to moderators only (chat/mentions.ts). */
const ROOM_MENTION_OPEN_UP_TO = 50;

export function createMentionCandidates(
  conversation: () => Conversation | undefined,
  peer: () => UserSummary | undefined,
) {
  const { api, session } = useApp();
  const chat = useChat();
  const [members, setMembers] = createSignal<UserSummary[] | null>(null);
  let asked = false;

  const toCandidate = (person: UserSummary): MentionCandidate => ({
    userId: person.id,
    name: displayName(person),
    username: person.username,
  });

  return (): MentionCandidate[] => {
    const current = conversation();
    if (!current || current.kind === "direct") {
      const other = peer();
      return other ? [toCandidate(other)] : [];
    }
    if (!asked) {
      asked = true;
      api.trpc.rooms.members
        .query({ id: current.id })
        .then((list) => {
          chat.people.remember(list.map((member) => member.user));
          setMembers(list.map((member) => member.user));
        })
        .catch(() => {
          asked = false;
        });
    }
    const people = (members() ?? []).filter((person) => person.id !== chat.me()).map(toCandidate);
    const room = current.room;
    const mayRoom =
      room !== undefined &&
      (room.memberCount <= ROOM_MENTION_OPEN_UP_TO || room.role !== "member" || session.user()?.isAdmin === true);
    return mayRoom ? [...people, { userId: "room", name: "room", username: "room" }] : people;
  };
}
