// What the server sends matches the contract's schemas (src/shared/api.ts): real answers
// of each procedure, parsed strictly, and the error shape in production and in tests.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { z } from "zod";
import {
  aroundPageSchema,
  authResultSchema,
  conversationSchema,
  healthSchema,
  messageSchema,
  messagesPageSchema,
  notificationSettingsSchema,
  readStateSchema,
  roomSummarySchema,
  userSchema,
  userSummarySchema,
} from "../../src/shared/api.ts";
import { errorBodySchema } from "../../src/shared/errors.ts";
import { searchPageSchema } from "../../src/shared/search.ts";
import { postJson, signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Parses, and fails on any key the schema does not know (zod drops them: the result differs). */
  function strictly<T extends z.ZodType>(schema: T, value: unknown) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(`${JSON.stringify(value)}\n${parsed.error.message}`);
    expect(parsed.data).toEqual(value as z.infer<T>);
    return parsed.data;
  }

  test("every answer of the chat procedures matches its schema", async () => {
    const [ada, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    strictly(userSchema, await ada.trpc.users.me.query());
    const sent = strictly(
      messageSchema,
      await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hi", clientId: "c1" }),
    );
    const list = await bob.trpc.history.conversations.query();
    strictly(z.array(conversationSchema), list);
    expect(list[0]?.peer?.id).toBe(ada.user.id);
    strictly(messagesPageSchema, await bob.trpc.history.messages.query({ conversationId: sent.conversationId }));
    strictly(messageSchema, await ada.trpc.history.edit.mutate({ id: sent.id, body: "hi!" }));
    strictly(
      aroundPageSchema,
      await bob.trpc.history.around.query({ conversationId: sent.conversationId, messageId: sent.id }),
    );
    strictly(
      readStateSchema,
      await bob.trpc.history.markRead.mutate({ conversationId: sent.conversationId, upTo: sent.id }),
    );
    strictly(
      conversationSchema,
      await bob.trpc.history.setMuted.mutate({ conversationId: sent.conversationId, muted: true }),
    );
    strictly(notificationSettingsSchema, await bob.trpc.account.notificationSettings.query());
    strictly(notificationSettingsSchema, await bob.trpc.account.setNotificationSettings.mutate({ desktop: "off" }));
    strictly(
      z.object({ items: z.array(userSummarySchema), nextCursor: z.number().nullable() }),
      await ada.trpc.users.list.query(),
    );
    strictly(z.array(userSummarySchema), await ada.trpc.users.byIds.query({ ids: [ada.user.id, bob.user.id] }));
    const found = strictly(searchPageSchema, await bob.trpc.search.messages.query({ query: "hi", limit: 1 }));
    expect(found.hits[0]?.messageId).toBe(sent.id);
    const other = await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "gone soon" });
    strictly(messageSchema, await ada.trpc.history.delete.mutate({ id: other.id }));
    await ada.trpc.rooms.create.mutate({ name: `Room ${ada.user.id}` });
    strictly(
      z.object({ items: z.array(roomSummarySchema), nextCursor: z.number().nullable() }),
      await bob.trpc.rooms.list.query(),
    );
  });

  test("signup and health answer in their schemas, errors in the one error body", async () => {
    const signup = await postJson(`${server.url}/api/auth/signup`, {
      username: `schema${Date.now()}`,
      email: `schema${Date.now()}@example.com`,
      firstName: "S",
      lastName: "Chema",
      password: "long enough password",
    });
    strictly(authResultSchema, await signup.json());
    strictly(healthSchema, await (await fetch(`${server.url}/api/health`)).json());
    const refused = await postJson(`${server.url}/api/auth/login`, { username: "", password: "" });
    const body = strictly(errorBodySchema, await refused.json());
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(Object.keys(body.error.fields ?? {})).toContain("username");
  });

  test("tRPC errors carry a stack trace only with ERROR_STACKS=true, whatever NODE_ENV", async () => {
    const production = await startTestServer({ NODE_ENV: "production", JWT_SECRET: "x".repeat(40) });
    const development = await startTestServer({ NODE_ENV: "development" });
    const debugging = await startTestServer({ ERROR_STACKS: "true" });
    try {
      for (const [running, shown] of [
        [server, false],
        [development, false],
        [production, false],
        [debugging, true],
      ] as const) {
        const answer = await (await fetch(`${running.url}/trpc/users.me`)).json();
        expect(answer.error.data.code).toBe("UNAUTHORIZED");
        expect(typeof answer.error.data.stack === "string").toBe(shown);
        expect(JSON.stringify(answer)).not.toContain(shown ? "\u0000" : process.cwd());
      }
    } finally {
      await Promise.all([production.close(), development.close(), debugging.close()]);
    }
  });
});
