// A long conversation in the browser: the message list leaves the rows far off screen out
// of the browser's rendering (their chunks are skipped: content-visibility) at their true
// height, also after the window's width changed, and what opens from a row, the emoji
// picker and the delete question, is shown whole all the same, wherever the row sits in its
// chunk. The time a live message takes to paint is measured by
// scripts/web-perf.ts, not here: a test never depends on timing.
import { beforeAll, expect, test } from "bun:test";
import type { Locator, Page } from "playwright-core";
import { markRead, sendMessage as storeMessage } from "../../src/chat/messages.ts";
import { openConversationAs, type Person, UI_TIMEOUT_MS } from "../helpers/browser.ts";
import { signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;

  /** Several older pages (50 each) beyond the first. */
  const SEEDED = 160;
  /** Every third one long enough to wrap differently in a narrower window. */
  const text = (n: number) =>
    n % 3 === 0
      ? `Message ${n}, a long one: it runs on for a while, long enough to wrap onto two or three lines when the window is narrow.`
      : `Message ${n}`;

  beforeAll(async () => {
    const [adaUser, bobUser] = await Promise.all([
      signUp(e2e.server.url, { username: "ada", firstName: "Ada", lastName: "Lovelace" }),
      signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" }),
    ]);
    let last = { id: 0, conversationId: 0 };
    for (let n = 1; n <= SEEDED; n += 1) {
      // Runs of one sender (most rows are not the first of their run); Ada's the last.
      const [from, to] = n % 7 === 0 || n === SEEDED ? [adaUser, bobUser] : [bobUser, adaUser];
      last = await storeMessage(e2e.server.deps, from.user.id, { to: { userId: to.user.id }, body: text(n) });
    }
    markRead(e2e.server.deps, adaUser.user.id, last.conversationId, last.id);
    ada = await openConversationAs(e2e.browser, e2e.server.url, adaUser.token, last.conversationId, "Bob Stone");
    await loadEverything(ada.page);
  }, 90_000);

  const log = (page: Page) => page.getByRole("log");
  const row = (page: Page, n: number) =>
    log(page).locator(".message", { has: page.getByText(text(n), { exact: true }) });

  /** Scrolls up until the beginning of the conversation is loaded. */
  async function loadEverything(page: Page) {
    const beginning = log(page).getByText("This is the beginning of your conversation.");
    const until = Date.now() + 60_000;
    while (!(await beginning.isVisible())) {
      if (Date.now() > until) throw new Error("the conversation's beginning did not load in 60 s");
      await log(page).evaluate((element) => {
        element.scrollTop = 0;
      });
      await page.waitForTimeout(50);
    }
  }

  /** Whether the browser renders this element's content (false: skipped with its chunk). */
  const rendered = (locator: Locator) =>
    locator.evaluate((element) => element.checkVisibility({ contentVisibilityAuto: true }));

  /** Whether what is painted at the middle of the element's `edge` is the element (or inside it). */
  const shownAt = (locator: Locator, edge: "top" | "bottom") =>
    locator.evaluate((element, edge) => {
      const box = element.getBoundingClientRect();
      const y = edge === "top" ? box.top + 4 : box.bottom - 4;
      const hit = document.elementFromPoint(box.left + box.width / 2, y);
      return hit !== null && element.contains(hit);
    }, edge);

  test("rows far off screen are skipped by the browser; scrolled to, they are rendered again", async () => {
    const { page } = ada;
    await log(page).evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    const oldest = row(page, 1).locator(".bubble");
    // A chunk is skipped once it has been rendered a first time (a frame or two).
    await page.waitForFunction(
      (element) => element?.checkVisibility({ contentVisibilityAuto: true }) === false,
      await oldest.elementHandle(),
      { timeout: UI_TIMEOUT_MS },
    );
    expect(await rendered(row(page, SEEDED).locator(".bubble"))).toBe(true);
    // Every row is still in the page (find in page, screen readers): only its rendering waits.
    expect(await log(page).locator(".message").count()).toBe(SEEDED);

    await oldest.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (element) => element?.checkVisibility({ contentVisibilityAuto: true }) === true,
      await oldest.elementHandle(),
      { timeout: UI_TIMEOUT_MS },
    );
    expect(await oldest.isVisible()).toBe(true);
  });

  test("the emoji picker of a row at the end of its chunk is shown whole, not cut at the chunk's edge", async () => {
    const { page } = ada;
    // The last row of a chunk in the middle of the list, at the top of the screen: the picker
    // opens below it, over the next chunk.
    const edge = log(page).locator(".chunk").nth(1).locator(".message").last();
    await edge.evaluate((element) => element.scrollIntoView({ block: "start" }));
    await edge.hover();
    await edge.getByRole("button", { name: "Add reaction" }).click();
    const picker = page.getByRole("dialog", { name: "Add reaction" });
    await picker.getByRole("button", { name: "👍" }).waitFor();
    const [pickerBox, rowBox] = await Promise.all([picker.boundingBox(), edge.boundingBox()]);
    expect(pickerBox && rowBox && pickerBox.y + pickerBox.height > rowBox.y + rowBox.height).toBe(true);
    expect(await shownAt(picker, "top")).toBe(true);
    expect(await shownAt(picker, "bottom")).toBe(true);
    await picker.press("Escape");
    await picker.waitFor({ state: "detached" });
  });

  test("the delete question over a long list is shown whole and on top", async () => {
    const { page } = ada;
    const own = row(page, SEEDED);
    await own.scrollIntoViewIfNeeded();
    await own.hover();
    await own.getByRole("button", { name: "Delete" }).click();
    const question = page.getByRole("dialog", { name: "Delete this message?" });
    await question.waitFor();
    expect(await shownAt(question, "top")).toBe(true);
    expect(await shownAt(question, "bottom")).toBe(true);
    await question.getByRole("button", { name: "Cancel" }).click();
    await question.waitFor({ state: "detached" });
    expect(ada.errors).toEqual([]);
  });

  test("after the window narrows, a skipped chunk stands in with its new height; a phone toolbar over a chunk's edge is whole", async () => {
    const { page } = ada;
    await log(page).evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    const oldest = row(page, 1).locator(".bubble");
    const skipped = async () =>
      page.waitForFunction(
        (element) => element?.checkVisibility({ contentVisibilityAuto: true }) === false,
        await oldest.elementHandle(),
        { timeout: UI_TIMEOUT_MS },
      );
    await skipped();
    const chunk = oldest.locator("xpath=ancestor::div[contains(@class, 'chunk')]");
    const wide = await chunk.evaluate((element) => (element as HTMLElement).offsetHeight);
    await page.setViewportSize({ width: 700, height: 800 });
    // Two frames: the new width is laid out and the list has seen it.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await skipped();
    const standIn = await chunk.evaluate((element) => (element as HTMLElement).offsetHeight);
    await oldest.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (element) => element?.checkVisibility({ contentVisibilityAuto: true }) === true,
      await oldest.elementHandle(),
      { timeout: UI_TIMEOUT_MS },
    );
    const real = await chunk.evaluate((element) => (element as HTMLElement).offsetHeight);
    expect(real).toBeGreaterThan(wide);
    expect(Math.abs(standIn - real)).toBeLessThanOrEqual(1);

    // At this width the actions toolbar sits over its bubble's top edge, above the row: on
    // the first row of a chunk (not the first of its run, so close to the row above) it
    // reaches over the chunk's edge, and is shown whole all the same.
    const edge = log(page).locator(".chunk > .message:not(.message ~ .message):not(.run-start)").first();
    await edge.evaluate((element) => element.scrollIntoView({ block: "center" }));
    await edge.hover();
    const toolbar = edge.getByRole("toolbar", { name: "Message actions" });
    await toolbar.waitFor();
    const [toolbarBox, rowBox] = await Promise.all([toolbar.boundingBox(), edge.boundingBox()]);
    expect(toolbarBox && rowBox && toolbarBox.y < rowBox.y).toBe(true);
    expect(await shownAt(toolbar, "top")).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
