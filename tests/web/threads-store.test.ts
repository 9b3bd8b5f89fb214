// The threads store checks a message against the server's MAX_BODY (from `ready`), not
// the default: a longer limit lets a long message through, a shorter one stops it.
import { expect, test } from "bun:test";
import { createRoot } from "solid-js";
import type { Message } from "../../src/shared/api.ts";
import type { Api } from "../../web/src/api/client.ts";
import { createThreadsStore } from "../../web/src/stores/threads.ts";
import { aMessage } from "../helpers/message-fixture.ts";

function storeWithLimit(maxBody: number) {
  const sent: string[] = [];
  const api = {
    trpc: {
      history: {
        send: {
          mutate: async (input: { body: string; clientId: string }): Promise<Message> => {
            sent.push(input.body);
            return aMessage({ id: sent.length, body: input.body });
          },
        },
      },
    },
  } as unknown as Api;
  const store = createRoot(() =>
    createThreadsStore(
      api,
      () => 1,
      () => {},
      () => maxBody,
    ),
  );
  return { store, sent };
}

test("a body over the server's limit is refused before sending, in the server's words", async () => {
  const { store, sent } = storeWithLimit(10);
  expect(await store.send(1, { conversationId: 1 }, "x".repeat(11))).toEqual({
    error: "A message is at most 10 characters",
  });
  expect(sent).toEqual([]);
});

test("a body over the default but within the server's limit is sent", async () => {
  const { store, sent } = storeWithLimit(5000);
  const long = "y".repeat(4500);
  const answer = await store.send(1, { conversationId: 1 }, long);
  expect(answer).toMatchObject({ body: long });
  expect(sent).toEqual([long]);
});
