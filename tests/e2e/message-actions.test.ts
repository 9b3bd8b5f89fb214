// Message actions in a room of three: Ada edits (in place, and with ↑ in the empty box) and
// deletes (after a confirmation) her messages; Bob sees each change live and after a
// reload; Cy, offline meanwhile, sees them when his connection is back. The actions are
// reached by mouse and by keyboard alone.
import { beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { seriousViolations } from "../helpers/axe.ts";
import { openConversationAs, type Person, sendMessage } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let roomId: number;
  let ada: Person;
  let bob: Person;
  let cy: Person;

  const openRoomAs = (user: TestUser): Promise<Person> =>
    openConversationAs(e2e.browser, e2e.server.url, user.token, roomId, "release-train");

  const log = (page: Page) => page.getByRole("log");
  const row = (page: Page, text: string) => log(page).locator(".message", { hasText: text });

  beforeAll(async () => {
    const [adaUser, bobUser, cyUser] = await Promise.all([
      signUp(e2e.server.url, { username: "ada", firstName: "Ada", lastName: "Lovelace" }),
      signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" }),
      signUp(e2e.server.url, { username: "cyrus", firstName: "Cy", lastName: "Young" }),
    ]);
    roomId = (await adaUser.trpc.rooms.create.mutate({ name: "release-train" })).id;
    for (const member of [bobUser, cyUser]) await member.trpc.rooms.join.mutate({ id: roomId });
    ada = await openRoomAs(adaUser);
    bob = await openRoomAs(bobUser);
    cy = await openRoomAs(cyUser);
  }, 90_000);

  test("an edit in place shows live with (edited), and after a reload", async () => {
    await sendMessage(ada.page, "first draft");
    await row(bob.page, "first draft").waitFor();
    // Cy goes offline: he must catch up on what follows when he is back.
    await cy.context.setOffline(true);
    await cy.page.getByText("You are offline", { exact: false }).first().waitFor();

    await row(ada.page, "first draft").hover();
    await row(ada.page, "first draft").getByRole("button", { name: "Edit" }).click();
    const editor = ada.page.getByRole("textbox", { name: "Edit message" });
    expect(await editor.inputValue()).toBe("first draft");
    await editor.fill("final **text**");
    await editor.press("Enter");
    await editor.waitFor({ state: "detached" });

    const edited = row(bob.page, "final text");
    await edited.locator("strong", { hasText: "text" }).waitFor();
    await edited.getByText("(edited)").waitFor();
    expect(await edited.getByText("(edited)").getAttribute("title")).toStartWith("Edited ");
    expect(await row(bob.page, "first draft").count()).toBe(0);
    await bob.page.reload();
    await row(bob.page, "final text").getByText("(edited)").waitFor();
  }, 60_000);

  test("↑ in the empty message box edits the last own message; Esc cancels, Enter saves", async () => {
    const box = ada.page.getByRole("textbox", { name: /^Message / });
    await box.click();
    await box.press("ArrowUp");
    const editor = ada.page.getByRole("textbox", { name: "Edit message" });
    expect(await editor.inputValue()).toBe("final **text**");
    await editor.press("End");
    await editor.type(" v2");
    await editor.press("Escape");
    await editor.waitFor({ state: "detached" });
    await row(ada.page, "final text").waitFor();
    expect(await row(ada.page, "v2").count()).toBe(0);

    await box.press("ArrowUp");
    await editor.press("End");
    await editor.type(" v3");
    await editor.press("Enter");
    await row(bob.page, "final text v3").waitFor();
  }, 30_000);

  test("delete asks first; then everyone sees that the message was deleted", async () => {
    await sendMessage(ada.page, "a regrettable message");
    await row(bob.page, "a regrettable message").waitFor();
    // Bob may not delete Ada's message: he has no such action.
    await row(bob.page, "a regrettable message").hover();
    await row(bob.page, "a regrettable message").getByRole("button", { name: "Reply" }).waitFor();
    expect(await row(bob.page, "a regrettable message").getByRole("button", { name: "Delete" }).count()).toBe(0);
    expect(await row(bob.page, "a regrettable message").getByRole("button", { name: "Edit" }).count()).toBe(0);

    const message = row(ada.page, "a regrettable message");
    await message.hover();
    await message.getByRole("button", { name: "Delete" }).click();
    const dialog = ada.page.getByRole("dialog", { name: "Delete this message?" });
    expect(await seriousViolations(ada.page)).toEqual([]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await message.count()).toBe(1);

    await message.hover();
    await message.getByRole("button", { name: "Delete" }).click();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await log(ada.page).getByText("This message was deleted").waitFor();
    await log(bob.page).getByText("This message was deleted").waitFor();
    expect(await log(bob.page).getByText("a regrettable message").count()).toBe(0);
    await bob.page.reload();
    await log(bob.page).getByText("This message was deleted").waitFor();
    expect(await log(bob.page).getByText("a regrettable message").count()).toBe(0);
  }, 60_000);

  test("back online, the person who was offline sees the edit and the deletion", async () => {
    await cy.context.setOffline(false);
    await row(cy.page, "final text v3").getByText("(edited)").waitFor();
    await log(cy.page).getByText("This message was deleted").waitFor();
    expect(await row(cy.page, "first draft").count()).toBe(0);
    expect(await log(cy.page).getByText("a regrettable message").count()).toBe(0);
  }, 30_000);

  test("by keyboard alone: ↑ from the message list focuses a message, Tab reaches its actions", async () => {
    await bob.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await sendMessage(ada.page, "link me");
    await row(bob.page, "link me").waitFor();
    await log(bob.page).focus();
    await bob.page.keyboard.press("ArrowUp");
    await bob.page.waitForFunction(() => document.activeElement?.textContent?.includes("link me"));
    const toolbar = row(bob.page, "link me").getByRole("toolbar", { name: "Message actions" });
    await toolbar.waitFor();
    expect(await seriousViolations(bob.page)).toEqual([]);
    // Tab goes through the actions: Add reaction, Reply, Copy text, Copy link.
    await bob.page.keyboard.press("Tab");
    await bob.page.keyboard.press("Tab");
    await bob.page.keyboard.press("Tab");
    await bob.page.keyboard.press("Tab");
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Copy link");
    await bob.page.keyboard.press("Enter");
    const id = await row(bob.page, "link me").getAttribute("data-message-id");
    expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe(`${e2e.server.url}/c/${roomId}/m/${id}`);
    for (const person of [ada, bob, cy]) expect(person.errors).toEqual([]);
  }, 30_000);

  test("reactions: a pick from the common ones shows as a chip for both, with names; a click on the chip joins", async () => {
    const bobRow = row(bob.page, "link me");
    await bobRow.hover();
    await bobRow.getByRole("button", { name: "Add reaction" }).click();
    await bob.page.getByRole("dialog", { name: "Add reaction" }).getByRole("button", { name: "👍" }).click();
    const adaChip = row(ada.page, "link me").getByRole("button", { name: /^👍.* 1: Bob Stone$/ });
    await adaChip.waitFor();
    expect(await adaChip.getAttribute("aria-pressed")).toBe("false");
    expect(await adaChip.getAttribute("title")).toContain("Bob Stone");
    await adaChip.click();
    const both = row(bob.page, "link me").getByRole("button", { name: /^👍.* 2: / });
    await both.waitFor();
    expect(await both.getAttribute("aria-pressed")).toBe("true");
    expect(await seriousViolations(bob.page)).toEqual([]);
    await ada.page.reload();
    await row(ada.page, "link me")
      .getByRole("button", { name: /^👍.* 2: / })
      .waitFor();
    // Ada takes hers back: Bob's chip counts one again.
    await row(ada.page, "link me")
      .getByRole("button", { name: /^👍.* 2: / })
      .click();
    await row(bob.page, "link me")
      .getByRole("button", { name: /^👍.* 1: / })
      .waitFor();
    await row(cy.page, "link me")
      .getByRole("button", { name: /^👍.* 1: / })
      .waitFor();
    for (const person of [ada, bob, cy]) expect(person.errors).toEqual([]);
  }, 60_000);
});
