// The conversation list's refresh answers with a snapshot; live frames handled while it was
// on its way must survive it. (An e2e test on a loaded machine once lost a conversation
// begun by a first message: its `conversation` frame came while a refresh was in flight,
// and the refresh's older answer removed it again.)
import { expect, test } from "bun:test";
import { createRoot } from "solid-js";
import type { Conversation, Message } from "../../src/shared/api.ts";
import type { Api } from "../../web/src/api/client.ts";
import { createConversationsStore } from "../../web/src/stores/conversations.ts";
import { aMessage } from "../helpers/message-fixture.ts";

const ME = 1;

const message = (conversationId: number, id: number): Message => aMessage({ id, conversationId, senderId: 2 });

function conversation(id: number, last?: Message): Conversation {
  return {
    id,
    kind: "direct",
    peer: { id: 2, username: "bob", firstName: "Bob", lastName: "", bio: "", avatar: null, online: false },
    lastMessage: last,
    unread: 0,
    mentions: 0,
    muted: false,
  } as Conversation;
}

/** A server whose answers to the list query the test releases one at a time. */
function heldServer() {
  const pending: Array<(list: Conversation[]) => void> = [];
  const api = {
    trpc: {
      history: {
        conversations: {
          query: () => new Promise<Conversation[]>((resolve) => pending.push(resolve)),
        },
      },
    },
  } as unknown as Api;
  const store = createRoot(() => createConversationsStore(api, () => ME));
  const answer = async (list: Conversation[]) => {
    for (let i = 0; i < 100 && pending.length === 0; i++) await Bun.sleep(1);
    const next = pending.shift();
    if (!next) throw new Error("no list query is waiting for an answer");
    next(list);
    await Bun.sleep(0);
  };
  return { store, answer, waiting: () => pending.length };
}

const ids = (store: ReturnType<typeof heldServer>["store"]) => store.list().map((c) => c.id);

test("a conversation begun while a refresh is on its way stays in the list after its older answer", async () => {
  const { store, answer } = heldServer();
  const done = store.refresh();
  store.upsert(conversation(7, message(7, 70)));
  await answer([conversation(3, message(3, 30))]);
  await done;
  expect(ids(store)).toEqual([7, 3]);
});

test("a refresh asked for during another runs again after it, so a conversation the first answer predates appears", async () => {
  const { store, answer, waiting } = heldServer();
  const first = store.refresh();
  // A message of a conversation the list does not know asks for a refresh (receive → refresh).
  expect(store.receive(message(9, 90), { asUnread: true })).toBe(false);
  await answer([conversation(3, message(3, 30))]);
  await answer([conversation(9, message(9, 90)), conversation(3, message(3, 30))]);
  await first;
  expect(ids(store)).toEqual([9, 3]);
  expect(waiting()).toBe(0);
});

test("a message received during a refresh is not replaced by the answer's older last message", async () => {
  const { store, answer } = heldServer();
  await Promise.all([store.refresh(), answer([conversation(3, message(3, 30))])]);
  const done = store.refresh();
  expect(store.receive(message(3, 31), { asUnread: true })).toBe(true);
  await answer([conversation(3, message(3, 30))]);
  await done;
  expect(store.get(3)?.lastMessage?.id).toBe(31);
  expect(store.get(3)?.unread).toBe(1);
});

test("a conversation left during a refresh does not come back with its answer", async () => {
  const { store, answer } = heldServer();
  await Promise.all([store.refresh(), answer([conversation(3), conversation(4)])]);
  const done = store.refresh();
  store.remove(4);
  await answer([conversation(3), conversation(4)]);
  await done;
  expect(ids(store)).toEqual([3]);
});

test("without live changes a refresh takes the server's answer as it is", async () => {
  const { store, answer } = heldServer();
  await Promise.all([store.refresh(), answer([conversation(3, message(3, 30)), conversation(4)])]);
  const done = store.refresh();
  await answer([conversation(4, message(4, 41)), conversation(5)]);
  await done;
  expect(ids(store)).toEqual([4, 5]);
});
