// Replies in a room of two: Ada answers one of Bob's messages with the Reply action, and
// both see the quote (author and first line, as plain text), live and after a reload; a click on a quote
// whose message lies far back in the history (beyond the pages loaded) opens the
// conversation there (the page around it), with the message marked, and the messages
// between it and the latest load as one reads down to them; a deleted message shows as deleted in the
// quotes of its replies.
import { beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { openConversationAs, type Person, sendMessage } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let roomId: number;
  let adaUser: TestUser;
  let bobUser: TestUser;
  let ada: Person;
  let bob: Person;

  const openRoomAs = (user: TestUser): Promise<Person> =>
    openConversationAs(e2e.browser, e2e.server.url, user.token, roomId, "launch-pad");

  const log = (page: Page) => page.getByRole("log");
  const row = (page: Page, text: string) => log(page).locator(".message", { hasText: text });
  const say = (user: TestUser, body: string, replyTo?: number) =>
    user.trpc.history.send.mutate({ to: { conversationId: roomId }, body, ...(replyTo ? { replyTo } : {}) });

  beforeAll(async () => {
    [adaUser, bobUser] = await Promise.all([
      signUp(e2e.server.url, { username: "ada", firstName: "Ada", lastName: "Lovelace" }),
      signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" }),
    ]);
    roomId = (await adaUser.trpc.rooms.create.mutate({ name: "launch-pad" })).id;
    await bobUser.trpc.rooms.join.mutate({ id: roomId });
  }, 90_000);

  test("a reply shows its parent's author and first line as plain text, for both, live and after a reload", async () => {
    await say(bobUser, "Fuel check at **noon** :rocket:\nsecond line stays out of the quote");
    ada = await openRoomAs(adaUser);
    bob = await openRoomAs(bobUser);

    const parent = row(ada.page, "Fuel check at noon");
    await parent.hover();
    await parent.getByRole("button", { name: "Reply" }).click();
    await ada.page.getByText("Replying to Bob Stone").waitFor();
    await sendMessage(ada.page, "Noon works for me");

    // Bob's own message is quoted as his ("You") on his screen.
    for (const [page, author] of [
      [ada.page, "Bob Stone"],
      [bob.page, "You"],
    ] as const) {
      const quote = row(page, "Noon works for me").getByRole("button", {
        name: `Reply to ${author}: show the message`,
      });
      await quote.waitFor();
      // The words the message shows, not its Markdown markers or shortcodes.
      expect(await quote.textContent()).toContain("Fuel check at noon 🚀");
      expect(await quote.textContent()).not.toContain("*");
      expect(await quote.textContent()).not.toContain("second line");
    }
    await bob.page.reload();
    await row(bob.page, "Noon works for me")
      .getByRole("button", { name: /^Reply to You/ })
      .waitFor();
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  }, 60_000);

  test("a click on the quote of a message far back in the history opens the conversation there", async () => {
    const far = await say(bobUser, "The launch window opens at dawn");
    // Enough later messages that the parent is many pages beyond the first one.
    for (let i = 0; i < 120; i += 1) await say(i % 2 ? adaUser : bobUser, `filler ${i}`);
    await say(adaUser, "About the window: dawn is fine", far.id);

    await ada.page.goto(`/c/${roomId}`);
    const reply = row(ada.page, "About the window: dawn is fine");
    await reply.waitFor();
    // Not on screen, not even loaded.
    const target = log(ada.page).locator(`[data-message-id="${far.id}"]`);
    expect(await target.count()).toBe(0);

    await reply.getByRole("button", { name: /^Reply to Bob Stone/ }).click();
    await target.waitFor();
    expect(await target.textContent()).toContain("The launch window opens at dawn");
    await ada.page.waitForURL(new RegExp(`/c/${roomId}/m/${far.id}$`));
    expect(await target.getAttribute("class")).toContain("focused");
    expect(await target.isVisible()).toBe(true);

    // Opened through history.around: the page around it, apart from the latest messages, with
    // the messages in between loading as Ada reads down to them. (Not waited for: the row
    // can be in view for a moment before the jump's scroll, and then loads at once.)
    const between = log(ada.page).getByRole("button", { name: "Show the messages in between" });
    for (let step = 0; step < 20 && (await between.count()) > 0; step += 1) {
      // Each page goes in above the row and pushes it down: bring it back into view.
      await between.scrollIntoViewIfNeeded().catch(() => {});
      await between.waitFor({ state: "detached", timeout: 1_000 }).catch(() => {});
    }
    await between.waitFor({ state: "detached" });
    const ids = await log(ada.page)
      .locator("[data-message-id]")
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-message-id"))));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    for (const i of [0, 30, 60, 90, 119])
      expect(await log(ada.page).getByText(`filler ${i}`, { exact: true }).count()).toBe(1);
    expect(ada.errors).toEqual([]);
  }, 90_000);

  test("a deleted message shows as deleted in the quote of a reply to it", async () => {
    const doomed = await say(bobUser, "Scrub the countdown");
    await say(adaUser, "Why scrub?", doomed.id);
    await bob.page.goto(`/c/${roomId}`);
    const quote = row(bob.page, "Why scrub?").getByRole("button", { name: /^Reply to You/ });
    await quote.waitFor();
    expect(await quote.textContent()).toContain("Scrub the countdown");

    await bobUser.trpc.history.delete.mutate({ id: doomed.id });
    await row(bob.page, "Why scrub?").getByText("This message was deleted").waitFor();
    expect(await quote.textContent()).not.toContain("Scrub the countdown");
    expect(bob.errors).toEqual([]);
  }, 60_000);
});
