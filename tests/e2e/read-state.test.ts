// Read state that survives a reload: "Seen" in a direct conversation and "Seen by N" in a
// room come from the server, and a conversation with unread messages opens at the first
// of them under a "New messages" divider, with a button to jump to the latest.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let adaId = 0;
  let bob: TestUser;
  let cy: TestUser;

  beforeAll(async () => {
    ada = await newPerson(e2e.browser, e2e.server.url);
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    bob = await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
    cy = await signUp(e2e.server.url, { username: "cyoung", firstName: "Cy", lastName: "Young" });
    adaId = (await bob.trpc.users.list.query({ search: "ada" })).items[0]?.id ?? 0;
  }, 60_000);

  test("direct: Seen comes back after a reload", async () => {
    const { page } = ada;
    const hello = await bob.trpc.history.send.mutate({ to: { userId: adaId }, body: "Hi Ada" });
    await page.goto(`/c/${hello.conversationId}`);
    await sendMessage(page, "Hi Bob, read me");
    const log = page.getByRole("log");
    await log.getByText("Sending…").waitFor({ state: "detached" });
    const mine = (await bob.trpc.history.messages.query({ conversationId: hello.conversationId })).items.at(-1);
    await bob.trpc.history.markRead.mutate({ conversationId: hello.conversationId, upTo: mine?.id ?? 0 });
    await log.locator(".receipt", { hasText: "Seen" }).waitFor();

    await page.reload();
    await log.getByText("Hi Bob, read me").waitFor();
    await log.locator(".receipt", { hasText: "Seen" }).waitFor();
  });

  /** Ada (in the browser) joins a room through the rooms browser, as a person does. */
  async function adaJoins(name: string) {
    const { page } = ada;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rooms" }).click();
    await page.getByLabel("Search rooms").fill(name);
    await page.getByRole("button", { name: `Join ${name}` }).click();
    await page.getByRole("heading", { name, level: 1 }).waitFor();
  }

  test("room: Seen by 2, with the readers' names on hover, after a reload", async () => {
    const { page } = ada;
    const room = await bob.trpc.rooms.create.mutate({ name: "Readers" });
    await cy.trpc.rooms.join.mutate({ id: room.id });
    await adaJoins("Readers");
    await sendMessage(page, "Did you all see this?");
    const log = page.getByRole("log");
    await log.getByText("Sending…").waitFor({ state: "detached" });
    const mine = (await bob.trpc.history.messages.query({ conversationId: room.id })).items.at(-1)?.id ?? 0;
    await bob.trpc.history.markRead.mutate({ conversationId: room.id, upTo: mine });
    await log.locator(".receipt", { hasText: "Seen by 1" }).waitFor();
    await cy.trpc.history.markRead.mutate({ conversationId: room.id, upTo: mine });
    await log.locator(".receipt", { hasText: "Seen by 2" }).waitFor();

    await page.reload();
    await log.getByText("Did you all see this?").waitFor();
    const receipt = log.locator(".receipt", { hasText: "Seen by 2" });
    await receipt.waitFor();
    const names = (await receipt.getAttribute("title")) ?? "";
    expect(names).toContain("Bob Stone");
    expect(names).toContain("Cy Young");
  });

  test("80 unread in a room: it opens at the first under a New messages divider; Jump to latest goes down", async () => {
    const { page } = ada;
    const room = await bob.trpc.rooms.create.mutate({ name: "Busy" });
    await adaJoins("Busy");
    await sendMessage(page, "I will be back later");
    await page.getByRole("log").getByText("Sending…").waitFor({ state: "detached" });
    // Ada leaves the room's page; 80 messages arrive meanwhile.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rooms" }).click();
    for (let n = 1; n <= 80; n += 1) {
      await bob.trpc.history.send.mutate({ to: { conversationId: room.id }, body: `Unread ${n}` });
    }
    await page.reload();
    await page.getByRole("link", { name: /Busy/ }).first().click();
    const log = page.getByRole("log");
    const divider = log.locator(".new-messages", { hasText: "New messages" });
    await divider.waitFor();
    // The divider sits right above the first unread message, and that is what is on screen.
    const next = divider.locator("xpath=following-sibling::div[contains(@class,'message')][1]");
    expect(await next.textContent()).toContain("Unread 1");
    await log.getByText("Unread 1", { exact: true }).waitFor();
    const inView = (text: string) =>
      log.getByText(text, { exact: true }).evaluate((element) => {
        const box = element.getBoundingClientRect();
        const pane = (element.closest('[role="log"]') as HTMLElement).getBoundingClientRect();
        return box.bottom > pane.top && box.top < pane.bottom;
      });
    expect(await inView("Unread 1")).toBe(true);
    expect(await inView("Unread 80")).toBe(false);
    // Exactly one divider, and every message once.
    expect(await log.locator(".new-messages").count()).toBe(1);
    expect(await log.getByText("Unread 40", { exact: true }).count()).toBe(1);

    const jump = page.getByRole("button", { name: /Jump to latest/ });
    await jump.click();
    await jump.waitFor({ state: "detached" });
    await page.waitForFunction(() => {
      const element = [...document.querySelectorAll(".bubble")].find((b) => b.textContent === "Unread 80");
      const pane = element?.closest('[role="log"]')?.getBoundingClientRect();
      const box = element?.getBoundingClientRect();
      return !!box && !!pane && box.bottom <= pane.bottom + 1 && box.bottom > pane.top;
    });
    expect(ada.errors).toEqual([]);
  });
});
