// Two people in two browser contexts find each other and talk; messages appear live on
// both sides, the session and history survive a reload, and text is never HTML.
import { beforeAll, expect, test } from "bun:test";
import {
  newPerson,
  openDirectWith,
  type Person,
  sendMessage,
  signUpInBrowser,
  UI_TIMEOUT_MS,
} from "../helpers/browser.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let bob: Person;

  beforeAll(async () => {
    ada = await newPerson(e2e.browser, e2e.server.url);
    bob = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    await signUpInBrowser(bob.page, { firstName: "Bob", lastName: "Stone", username: "bob" });
  }, 60_000);

  test("two people find each other and exchange messages live", async () => {
    await openDirectWith(ada.page, "bo", "Bob Stone");
    await sendMessage(ada.page, "Hello Bob, it is Ada");

    // Bob sees the new conversation with its unread badge, then the message, live.
    const conversation = bob.page.getByRole("link", { name: /Ada Lovelace/ });
    await conversation.getByLabel("1 unread").waitFor();
    await conversation.click();
    await bob.page.getByRole("log").getByText("Hello Bob, it is Ada").waitFor();

    await sendMessage(bob.page, "Hi Ada!\nTwo lines here.");
    await ada.page.getByRole("log").getByText("Two lines here.", { exact: false }).waitFor();
    await bob.page.getByRole("log").getByText("Hi Ada!", { exact: false }).waitFor();
    expect(await ada.page.getByRole("log").getByText("Sending…").count()).toBe(0);
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  }, 30_000);

  test("typing shows on the other side, and reading shows as Seen", async () => {
    // Both have the conversation open (Ada since the first test, Bob too).
    // Bob keeps typing, as people do: the server forwards at most one typing frame per
    // TYPING_THROTTLE_MS, and Bob typed a moment ago in the previous test.
    const indicator = ada.page.getByText("Bob Stone is typing…");
    const box = bob.page.getByRole("textbox", { name: /^Message / });
    for (let key = 0; key < 20 && !(await indicator.isVisible()); key += 1) {
      await box.press("W");
      await indicator.waitFor({ timeout: 250 }).catch(() => {});
    }
    await indicator.waitFor();
    await box.fill("Wri");
    await bob.page.getByRole("textbox", { name: /^Message / }).press("Enter");
    await ada.page.getByRole("log").getByText("Wri", { exact: true }).waitFor();
    await ada.page.getByText("Bob Stone is typing…").waitFor({ state: "detached" });
    // Ada's tab shows the message: Bob sees that she has read it.
    await bob.page.getByRole("log").getByText("Seen", { exact: true }).waitFor();
  }, 20_000);

  test("unread messages count in the tab title and the list", async () => {
    await ada.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rooms" }).click();
    await sendMessage(bob.page, "Are you there?");
    await ada.page.waitForFunction(() => document.title === "(1) Parley", undefined, { timeout: UI_TIMEOUT_MS });
    await ada.page
      .getByRole("link", { name: /Bob Stone/ })
      .getByLabel("1 unread")
      .waitFor();
    await ada.page.getByRole("link", { name: /Bob Stone/ }).click();
    await ada.page.waitForFunction(() => document.title === "Parley", undefined, { timeout: UI_TIMEOUT_MS });
  }, 20_000);

  test("a reload keeps the session and the history", async () => {
    await ada.page.reload();
    await ada.page.getByRole("heading", { name: "Bob Stone", level: 1 }).waitFor();
    await ada.page.getByRole("log").getByText("Hello Bob, it is Ada").waitFor();
    await ada.page.getByRole("log").getByText("Two lines here.", { exact: false }).waitFor();
    expect(await ada.page.title()).toBe("Parley");
  }, 20_000);

  test(
    "a direction override in a message turns only that message's text around (isolated by dir=auto)",
    async () => {
      const body = "see \u202Egnp.exe";
      await sendMessage(ada.page, body);
      const text = bob.page.getByRole("log").getByText(body);
      await text.waitFor();
      // The text sits in an isolate, so the override cannot reach the time or receipt beside it.
      // (An element with a dir attribute is a bidi isolate, like <bdi>.)
      expect(await text.evaluate((node) => node.closest("[dir=auto]")?.textContent)).toBe(body);
    },
    UI_TIMEOUT_MS * 2,
  );

  test(
    "an XSS payload is shown as text and runs nothing",
    async () => {
      const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> see https://example.com/x`;
      await sendMessage(ada.page, payload);
      const bubble = bob.page.getByRole("log").getByText("<img src=x onerror=", { exact: false });
      await bubble.waitFor();
      expect(await bubble.textContent()).toBe(payload);
      expect(await bob.page.getByRole("log").locator("img, script").count()).toBe(0);
      expect(await bob.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await ada.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      const link = bob.page.getByRole("log").getByRole("link", { name: "https://example.com/x" });
      expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
      expect(await link.getAttribute("target")).toBe("_blank");
    },
    UI_TIMEOUT_MS * 2,
  );
});
