// Mentions in the browser, by keyboard only: `@` opens the members of the room (and
// `@room`), typing filters, ↑/↓ move, Enter and Tab pick, Esc closes; the box shows
// @Name and the message goes out as <@id> markup. A mention of the reader stands out.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let adaId = 0;
  let bob: TestUser;
  let bea: TestUser;

  beforeAll(async () => {
    ada = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    bob = await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
    bea = await signUp(e2e.server.url, { username: "bea", firstName: "Beatrice", lastName: "Shilling" });
    adaId = (await bob.trpc.users.list.query({ search: "ada" })).items[0]?.id ?? 0;
  }, 60_000);

  test("@ lists the room's members and @room, filtered as typed; keys pick and close; sent as markup", async () => {
    const { page } = ada;
    const room = await bob.trpc.rooms.create.mutate({ name: "Engines" });
    await bea.trpc.rooms.join.mutate({ id: room.id });
    await bob.trpc.rooms.invite.mutate({ id: room.id, username: "ada" });
    await page.goto(`/c/${room.id}`);
    const box = page.getByRole("textbox", { name: /^Message / });
    await box.waitFor();
    await box.focus();

    await page.keyboard.type("Hi @");
    const list = page.getByRole("listbox", { name: "People to mention" });
    await list.waitFor();
    const options = list.getByRole("option");
    await page.waitForFunction(() => document.querySelectorAll("#mention-suggestions [role=option]").length === 3);
    expect(await options.allInnerTexts()).toEqual([
      expect.stringContaining("@Bob Stone"),
      expect.stringContaining("@Beatrice Shilling"),
      expect.stringContaining("@room"),
    ]);
    // The person is not offered to themselves.
    expect(await list.getByText("Ada Lovelace").count()).toBe(0);

    // Filtered as typed: "b" keeps Bob and Beatrice; ↓ moves to Beatrice, ↑ back, ↓ again, Enter picks.
    await page.keyboard.type("b");
    await page.waitForFunction(() => document.querySelectorAll("#mention-suggestions [role=option]").length === 2);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowDown");
    expect(await list.getByRole("option", { selected: true }).textContent()).toContain("Beatrice Shilling");
    await page.keyboard.press("Enter");
    await list.waitFor({ state: "detached" });
    expect(await box.inputValue()).toBe("Hi @Beatrice Shilling ");

    // Esc closes without picking, and the text stays as typed.
    await page.keyboard.type("and @st");
    await list.getByRole("option", { name: /Bob Stone/ }).waitFor();
    await page.keyboard.press("Escape");
    await list.waitFor({ state: "detached" });
    expect(await box.inputValue()).toBe("Hi @Beatrice Shilling and @st");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type("@bo");
    await list.getByRole("option", { name: /Bob Stone/ }).waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.type("and @ro");
    await list.getByRole("option", { name: /@room/ }).waitFor();
    await page.keyboard.press("Tab");
    expect(await box.inputValue()).toBe("Hi @Beatrice Shilling and @Bob Stone and @room ");
    expect(await box.inputValue()).not.toContain("<@");
    await page.keyboard.press("Enter");

    // Stored as markup: mentions recorded for both, and @room for everyone else.
    const log = page.getByRole("log");
    await log.getByText("@Bob Stone").waitFor();
    const last = async () => (await bob.trpc.history.messages.query({ conversationId: room.id })).items.at(-1);
    await eventually(async () => (await last())?.body.startsWith("Hi ") === true, "Ada's message stored");
    const sent = await last();
    expect(sent?.body).toBe(`Hi <@${bea.user.id}> and <@${bob.user.id}> and <@room>`);
    expect(sent?.mentions).toEqual([bob.user.id, bea.user.id].sort((a, b) => a - b));
  });

  test("a mention of the reader is highlighted in the message", async () => {
    const { page } = ada;
    const room = (await bob.trpc.history.conversations.query()).find((c) => c.name === "Engines");
    await bob.trpc.history.send.mutate({ to: { conversationId: room?.id ?? 0 }, body: `<@${adaId}> can you check?` });
    const row = page.locator(".message.mentions-me", { hasText: "can you check?" });
    await row.waitFor();
    await row.locator(".mention.mention-me", { hasText: "@Ada Lovelace" }).waitFor();
  });
});
