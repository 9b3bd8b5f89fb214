// The server restarts mid-conversation: the client shows that it is reconnecting, comes
// back on its own, and shows the message sent while it was away, once.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, openDirectWith, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, type TestUser, trpcClient } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { restartableServerAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  let ada: Person;
  let bob: TestUser;

  const e2e = restartableServerAndBrowser();

  beforeAll(async () => {
    bob = await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
    ada = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
  }, 60_000);

  test("after a restart the client reconnects and shows what was sent meanwhile", async () => {
    await openDirectWith(ada.page, "bob", "Bob Stone");
    await sendMessage(ada.page, "Before the restart");
    await ada.page.getByRole("log").getByText("Before the restart").waitFor();
    await ada.page.getByRole("log").getByText("Sending…").waitFor({ state: "detached" });

    await e2e.stopServer();
    await ada.page.getByRole("status").getByText("Reconnecting…").waitFor();

    await e2e.startServer();
    const bobAgain = trpcClient(e2e.server.url, bob.token);
    const adaId = (await bobAgain.users.list.query({ search: "ada" })).items[0]?.id ?? 0;
    await bobAgain.history.send.mutate({ to: { userId: adaId }, body: "Sent while you were away" });

    // On its own: the wait between attempts grows to at most 15 s (plus a slow start-up).
    const log = ada.page.getByRole("log");
    await log.getByText("Sent while you were away").waitFor({ timeout: 40_000 });
    await ada.page.getByRole("status").getByText("Reconnecting…").waitFor({ state: "detached" });
    expect(await log.getByText("Sent while you were away").count()).toBe(1);
    expect(await log.getByText("Before the restart").count()).toBe(1);

    // And the conversation goes on, both ways.
    await sendMessage(ada.page, "Back again");
    await log.getByText("Back again").waitFor();
    // Shown at once as pending; confirmed once the server has stored it.
    await log.getByText("Sending…").waitFor({ state: "detached" });
    const page = await bobAgain.history.messages.query({ peerId: adaId });
    expect(page.items.map((m) => m.body)).toContain("Back again");
    expect(ada.errors).toEqual([]);
  }, 90_000);

  test("while it waits to reconnect, Try now reconnects at once", async () => {
    // The page's sockets are refused until the click, with the server up: so no attempt of
    // its own can reconnect it first and take the button away (a fresh-clone run under load
    // restarted the server so slowly that one did).
    let refused = 0;
    let open = false;
    await ada.page.routeWebSocket(/\/ws$/, (socket) => {
      if (open) socket.connectToServer();
      else {
        refused += 1;
        socket.close();
      }
    });
    await e2e.stopServer();
    await e2e.startServer();
    const status = ada.page.getByRole("status");
    const tryNow = status.getByRole("button", { name: "Try now" });
    await tryNow.waitFor();
    // After six refused attempts the backoff waits at least 7.5 s before the next one.
    await eventually(() => refused >= 6, "six refused reconnect attempts", 40_000);
    open = true;
    await tryNow.click();
    // Well within those 7.5 s: it was the click that reconnected.
    await status.getByText("Reconnecting…").waitFor({ state: "detached", timeout: 5_000 });
    await sendMessage(ada.page, "After Try now");
    await ada.page.getByRole("log").getByText("Sending…").waitFor({ state: "detached" });
    await ada.page.unrouteAll();
    expect(ada.errors).toEqual([]);
  }, 90_000);

  test("a conversation whose messages failed to load says so, and loads them when the connection is back", async () => {
    const bobAgain = trpcClient(e2e.server.url, bob.token);
    const adaId = (await bobAgain.users.list.query({ search: "ada" })).items[0]?.id ?? 0;
    const sent = await bobAgain.history.send.mutate({ to: { userId: adaId }, body: "Loaded in the end" });
    const { page, context } = ada;
    // The page's first request for the messages fails on the network.
    const pattern = /\/trpc\/[^?]*history\.messages/;
    await page.route(pattern, (route) => route.abort("connectionreset"));
    await page.goto(`/c/${sent.conversationId}`);
    await page.getByText("The messages could not be loaded. They will be when the connection is back.").waitFor();
    await page.unroute(pattern);
    await context.setOffline(true);
    await context.setOffline(false);
    await page.getByRole("log").getByText("Loaded in the end").waitFor({ timeout: 40_000 });
    expect(await page.getByText("The messages could not be loaded.", { exact: false }).count()).toBe(0);
  }, 90_000);
});
