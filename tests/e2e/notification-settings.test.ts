// Muting and notification settings in the browser: a muted conversation shows no unread
// count but still a mention badge, live and after a reload; the mention badge clears on
// read; the desktop notification choice is kept on the server.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let adaId = 0;
  let bob: TestUser;

  beforeAll(async () => {
    ada = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    bob = await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
    adaId = (await bob.trpc.users.list.query({ search: "ada" })).items[0]?.id ?? 0;
  }, 60_000);

  test("mute hides the unread badge; a mention still shows its badge, live and after a reload; reading clears it", async () => {
    const { page } = ada;
    const first = await bob.trpc.history.send.mutate({ to: { userId: adaId }, body: "Hello Ada" });
    const conversationId = first.conversationId;
    const item = page.locator(".conversation-item", { hasText: "Bob Stone" });
    await item.getByRole("img", { name: "1 unread message" }).waitFor();

    // Open it (reads it), mute it with the header's bell, and leave for the home page.
    await item.click();
    const bell = page.getByRole("button", { name: "Mute Bob Stone" });
    await bell.click();
    await page.waitForFunction(
      () => document.querySelector("button[aria-label='Mute Bob Stone']")?.getAttribute("aria-pressed") === "true",
    );
    await page.getByRole("link", { name: "Chats" }).click();
    await page.waitForURL((url) => url.pathname === "/");

    await bob.trpc.history.send.mutate({ to: { conversationId }, body: "Are you there?" });
    await item.getByText("Are you there?").waitFor();
    expect(await item.locator(".badge").count()).toBe(0);
    await item.getByRole("img", { name: "muted" }).waitFor();

    await bob.trpc.history.send.mutate({ to: { conversationId }, body: `<@${adaId}> look at this` });
    await item.getByRole("img", { name: "1 unread mention" }).waitFor();
    expect(await item.getByRole("img", { name: /unread message/ }).count()).toBe(0);

    await page.reload();
    await item.getByRole("img", { name: "1 unread mention" }).waitFor();
    expect(await item.getByRole("img", { name: /unread message/ }).count()).toBe(0);

    // Opening it reads it: the mention badge goes; the mention stands out in the message.
    await item.click();
    const mention = page.getByRole("log").locator(".mention-me", { hasText: "@Ada Lovelace" });
    await mention.waitFor();
    await page.getByRole("link", { name: "Chats" }).click();
    await item.getByRole("img", { name: "muted" }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll(".conversation-item .badge").length === 0);

    // Unmuted, a plain message counts again.
    await item.click();
    await page.getByRole("button", { name: "Mute Bob Stone" }).click();
    await page.waitForFunction(
      () => document.querySelector("button[aria-label='Mute Bob Stone']")?.getAttribute("aria-pressed") === "false",
    );
    await page.getByRole("link", { name: "Chats" }).click();
    await bob.trpc.history.send.mutate({ to: { conversationId }, body: "Unmuted now" });
    await item.getByRole("img", { name: "1 unread message" }).waitFor();
  });

  test("the desktop notification choice is kept on the server", async () => {
    const { page } = ada;
    await page.goto("/settings");
    const group = page.getByRole("group", { name: "Desktop notifications" });
    // Checked once the settings have come from the server.
    await page.waitForFunction(
      () => (document.querySelector("input[value='all']") as HTMLInputElement | null)?.checked === true,
    );
    expect(await group.getByRole("radio", { name: "Every message" }).isChecked()).toBe(true);
    await group.getByRole("radio", { name: "Only when I am mentioned" }).check();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.reload();
    await page.waitForFunction(
      () => (document.querySelector("input[value='mentions']") as HTMLInputElement | null)?.checked === true,
    );
    // Another device sees it too: it is the account's.
    const settings = await page.evaluate(async () => {
      const response = await fetch("/trpc/account.notificationSettings");
      return (await response.json()).result.data;
    });
    expect(settings.desktop).toBe("mentions");
  });

  test("the prompt dismissed in one browser stays dismissed in another; Settings can bring it back", async () => {
    const first = await newPerson(e2e.browser, e2e.server.url);
    const second = await newPerson(e2e.browser, e2e.server.url);
    try {
      await signUpInBrowser(first.page, { firstName: "Grace", lastName: "Hopper", username: "grace" });
      const prompt = first.page.getByRole("button", { name: "Turn on desktop notifications" });
      await prompt.waitFor();
      await first.page.getByRole("button", { name: "Do not ask about desktop notifications again" }).click();
      await prompt.waitFor({ state: "detached" });

      // Another browser (nothing in its storage) learns it from the server.
      await second.page.goto("/login");
      await second.page.getByLabel("Username").fill("grace");
      await second.page.getByLabel("Password").fill("correct horse battery");
      await second.page.getByRole("button", { name: "Log in" }).click();
      await second.page.getByRole("heading", { name: "Conversations" }).waitFor();
      await second.page.getByRole("link", { name: "Settings" }).click();
      const again = second.page.getByRole("button", { name: "Show the prompt in the sidebar again" });
      await again.waitFor();
      expect(await second.page.getByRole("button", { name: "Turn on desktop notifications" }).count()).toBe(0);
      await again.click();
      await second.page.getByRole("button", { name: "Turn on desktop notifications" }).waitFor();
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});
