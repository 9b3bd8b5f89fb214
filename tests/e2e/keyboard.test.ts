// Keyboard use: the skip link, moving between conversations (and to the next unread one),
// the shortcut list from `?`, Ctrl+/ and the help menu, Esc back to the message box, and
// Page Up from the message box.
import { beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { seriousViolations } from "../helpers/axe.ts";
import { newPerson, type Person } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser({ SEND_RATE: "0" });
  let kim: TestUser;
  let person: Person;

  const send = (user: TestUser, conversationId: number, body: string) =>
    user.trpc.history.send.mutate({ to: { conversationId }, body, clientId: crypto.randomUUID() });

  beforeAll(async () => {
    kim = await signUp(e2e.server.url, { username: "kim", firstName: "Kim", lastName: "Park" });
    const lee = await signUp(e2e.server.url, { username: "lee" });
    const rooms: number[] = [];
    for (const name of ["Alpha", "Bravo", "Charlie"]) {
      const room = await kim.trpc.rooms.create.mutate({ name });
      rooms.push(room.id);
    }
    // Enough history in Bravo to scroll; one message in each of the others.
    for (let i = 0; i < 40; i += 1) await send(kim, rooms[1] as number, `Bravo line ${i}`);
    await send(kim, rooms[2] as number, "Charlie says hi");
    // Lee writes in Alpha: Alpha is unread for Kim.
    await lee.trpc.rooms.join.mutate({ id: rooms[0] as number });
    await send(lee, rooms[0] as number, "Alpha news");

    person = await newPerson(e2e.browser, e2e.server.url);
    const { page } = person;
    await page.goto("/login");
    await page.getByLabel("Username").fill("kim");
    await page.getByLabel("Password").fill(kim.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
  }, 60_000);

  const openHeading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
  const listOrder = (page: Page) => page.locator(".conversation-title").allTextContents();
  const composerHasFocus = (page: Page) => page.evaluate(() => document.activeElement?.id === "composer-input");

  test("the first Tab reaches a skip link that moves the focus to the main content", async () => {
    const { page } = person;
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  test("Alt+↓ and Alt+↑ move through the list, Alt+Shift+↓ to the next unread", async () => {
    const { page } = person;
    await page.getByRole("link", { name: /Charlie/ }).click();
    await page.getByRole("heading", { name: "Charlie", level: 1 }).waitFor();
    const order = await listOrder(page);
    const at = order.indexOf("Charlie");

    await page.keyboard.press("Alt+ArrowDown");
    const below = order[(at + 1) % order.length] as string;
    await page.getByRole("heading", { name: below, level: 1 }).waitFor();
    await page.keyboard.press("Alt+ArrowUp");
    await page.getByRole("heading", { name: "Charlie", level: 1 }).waitFor();

    await page.keyboard.press("Alt+Shift+ArrowDown");
    await page.getByRole("heading", { name: "Alpha", level: 1 }).waitFor();
    await page.getByRole("log").getByText("Alpha news").waitFor();
    // The composer of the conversation moved to has the focus.
    expect(await composerHasFocus(page)).toBe(true);
    expect(await openHeading(page)).toBe("Alpha");
  });

  test("? opens the shortcut list, Esc closes it and returns to the message box", async () => {
    const { page } = person;
    await page.getByRole("log").focus();
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    await dialog.getByText("Next unread conversation").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Search handles Ctrl+K, so it is listed.
    expect(await dialog.getByText("Search", { exact: true }).count()).toBe(1);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await composerHasFocus(page)).toBe(true);

    // Typing ? in the message box is typing.
    await page.keyboard.type("?");
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.getByRole("textbox", { name: "Message Alpha" }).inputValue()).toBe("?");
    await page.getByRole("textbox", { name: "Message Alpha" }).fill("");

    await page.keyboard.press("Control+/");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await composerHasFocus(page)).toBe(true);
  });

  test("the help menu shows the shortcuts, and Esc closes the menu", async () => {
    const { page } = person;
    const help = page.getByRole("button", { name: "Help" });
    await help.click();
    expect(await help.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Escape");
    expect(await help.getAttribute("aria-expanded")).toBe("false");
    expect(await composerHasFocus(page)).toBe(true);

    await help.click();
    await page.getByRole("button", { name: /Keyboard shortcuts/ }).click();
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor({ state: "hidden" });
  });

  test("Page Up in the message box scrolls the messages", async () => {
    const { page } = person;
    await page.getByRole("link", { name: /Bravo/ }).click();
    await page.getByRole("heading", { name: "Bravo", level: 1 }).waitFor();
    const log = page.getByRole("log");
    await log.getByText("Bravo line 39").waitFor();
    const scrollTop = () => log.evaluate((element) => element.scrollTop);
    await page.waitForFunction(() => {
      const element = document.querySelector("[role=log]");
      return element !== null && element.scrollHeight > element.clientHeight * 1.5;
    });
    const before = await scrollTop();
    expect(await composerHasFocus(page)).toBe(true);
    await page.keyboard.press("PageUp");
    await page.waitForFunction((top) => (document.querySelector("[role=log]")?.scrollTop ?? top) < top, before);
    expect(await scrollTop()).toBeLessThan(before);
  });
});
