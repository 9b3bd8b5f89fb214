// account.updateProfile: names and a bio, checked like signup's names; the change reaches
// the people who share a conversation with the person at once, and nobody else.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { userSchema } from "../../src/shared/api.ts";
import { signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode } from "../helpers/trpc.ts";
import { openSocket } from "../helpers/ws.ts";

forEachDatabase(() => {
  let server: TestServer;
  let ada: TestUser;
  let bob: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    [ada, bob, stranger] = [await signUp(server.url), await signUp(server.url), await signUp(server.url)];
    await ada.trpc.history.send.mutate({ to: { userId: bob.user.id }, body: "hello" });
  });
  afterAll(() => server.close());

  test("a new name and bio reach the person's peers live, and not strangers", async () => {
    const [bobSocket, strangerSocket] = await Promise.all([
      openSocket(server.url, bob.token),
      openSocket(server.url, stranger.token),
    ]);
    const updated = userSchema.parse(
      await ada.trpc.account.updateProfile.mutate({
        firstName: " Augusta ",
        lastName: "King",
        bio: "Notes on the engine",
      }),
    );
    expect(updated).toMatchObject({ firstName: "Augusta", lastName: "King", bio: "Notes on the engine" });
    const frame = await bobSocket.next("user");
    expect(frame.user).toMatchObject({
      id: ada.user.id,
      firstName: "Augusta",
      lastName: "King",
      bio: "Notes on the engine",
    });
    // A reader who was away gets the current profile with the conversation list.
    const [conversation] = await bob.trpc.history.conversations.query();
    expect(conversation?.peer).toMatchObject({ firstName: "Augusta", bio: "Notes on the engine" });

    // The stranger shares no conversation: no frame (a later frame of theirs proves the order).
    await stranger.trpc.history.send.mutate({ to: { userId: ada.user.id }, body: "hi" });
    await strangerSocket.next("conversation");
    expect(strangerSocket.frames.some((f) => f.type === "user")).toBe(false);
    bobSocket.close();
    strangerSocket.close();
  });

  test("names and bio are checked; a session is needed", async () => {
    const empty = await failure(ada.trpc.account.updateProfile.mutate({ firstName: "  ", lastName: "King", bio: "" }));
    expect(empty.data?.code).toBe("BAD_REQUEST");
    expect(
      await failureCode(ada.trpc.account.updateProfile.mutate({ firstName: "A", lastName: "K", bio: "x".repeat(161) })),
    ).toBe("BAD_REQUEST");
    expect(
      await failureCode(ada.trpc.account.updateProfile.mutate({ firstName: "A", lastName: "K", bio: "evil\u202Etxt" })),
    ).toBe("BAD_REQUEST");
    expect(
      await failureCode(
        trpcClient(server.url).account.updateProfile.mutate({ firstName: "A", lastName: "K", bio: "" }),
      ),
    ).toBe("UNAUTHORIZED");
  });
});
