// Formatting seen by the other person: the Markdown subset as elements, `:shortcode:` as
// emoji, a code block's copy button, hostile input as text; the composer's emoji button
// and its character counter near the limit.
import { beforeAll, expect, test } from "bun:test";
import { seriousViolations } from "../helpers/axe.ts";
import { newPerson, openDirectWith, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
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
    await openDirectWith(ada.page, "bo", "Bob Stone");
    await sendMessage(ada.page, "hello");
    await bob.page.getByRole("link", { name: /Ada Lovelace/ }).click();
    await bob.page.getByRole("log").getByText("hello").waitFor();
  }, 90_000);

  test("bold, italic, strikethrough, code, quotes, lists, links and emoji show formatted", async () => {
    await sendMessage(
      ada.page,
      "**Release** is _today_ ~~tomorrow~~, run `bun test` :tada:\n\n> ship it\n\n- one\n- two\n\n[notes](https://example.com/notes) [bad](javascript:alert(1))",
    );
    const log = bob.page.getByRole("log");
    await log.locator("strong", { hasText: "Release" }).waitFor();
    await log.locator("em", { hasText: "today" }).waitFor();
    await log.locator("del", { hasText: "tomorrow" }).waitFor();
    await log.locator("code", { hasText: "bun test" }).waitFor();
    await log.locator("blockquote", { hasText: "ship it" }).waitFor();
    expect(await log.locator("ul > li").allTextContents()).toEqual(["one", "two"]);
    await log.getByRole("img", { name: "tada" }).filter({ hasText: "🎉" }).waitFor();
    expect(await log.getByRole("link", { name: "notes" }).getAttribute("href")).toBe("https://example.com/notes");
    // The javascript: link is its text only.
    expect(await log.locator("p", { hasText: "notes" }).last().textContent()).toBe("notes bad");
    expect(await log.getByRole("link", { name: "bad" }).count()).toBe(0);
    expect(await log.locator("a[href^='javascript']").count()).toBe(0);
  }, 30_000);

  test("a 4,000-character code block keeps its text, with a button that copies it", async () => {
    await bob.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const code = `<b>not html</b>${"x".repeat(3960)}`;
    const box = ada.page.getByRole("textbox", { name: /^Message / });
    await box.fill(`\`\`\`\n${code}\n\`\`\``);
    // Near the limit the composer counts down what is left.
    await ada.page.getByText(/characters left/).waitFor();
    await box.press("Enter");
    const block = bob.page.getByRole("log").locator(".code-block").last();
    await block.locator("pre code").waitFor();
    expect(await block.locator("pre code").textContent()).toBe(code);
    expect(await bob.page.getByRole("log").locator("b").count()).toBe(0);
    await block.getByRole("button", { name: "Copy" }).click();
    await block.getByRole("button", { name: "Copied" }).waitFor();
    expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe(code);
  }, 30_000);

  test("the emoji button inserts an emoji found by search; the picker passes axe", async () => {
    const box = ada.page.getByRole("textbox", { name: /^Message / });
    await box.fill("party ");
    await ada.page.getByRole("button", { name: "Insert emoji" }).click();
    const picker = ada.page.getByRole("dialog", { name: "Insert emoji" });
    await picker.getByRole("searchbox", { name: "Search emoji" }).fill("tada");
    await picker.getByRole("button", { name: "party popper" }).waitFor();
    expect(await seriousViolations(ada.page)).toEqual([]);
    await picker.getByRole("searchbox", { name: "Search emoji" }).press("Enter");
    await picker.waitFor({ state: "detached" });
    expect(await box.inputValue()).toBe("party 🎉");
    await box.press("Enter");
    await bob.page.getByRole("log").getByText("party 🎉").waitFor();
    expect(await seriousViolations(bob.page)).toEqual([]);
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  }, 30_000);
});
