// Avatars and blocking in Chromium. Ada uploads a picture in her settings; Bob, with
// their conversation open, sees it replace her initials in the header and the list at
// once. Then Ada blocks Bob from their direct conversation: Bob's next message is refused
// with a plain reason, Bob's room messages are folded for Ada ("Show" unfolds one), and
// Ada unblocks him from her settings page, after which Bob writes to her again.
import { beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { newPerson, openDirectWith, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";
import { png } from "../helpers/files.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let bob: Person;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([newPerson(e2e.browser, e2e.server.url), newPerson(e2e.browser, e2e.server.url)]);
    await ada.page.goto("/login", { timeout: 45_000 });
  }, 90_000);

  test("an avatar upload is seen live by the other person; blocking refuses, folds and is undone in settings", async () => {
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    await signUpInBrowser(bob.page, { firstName: "Bob", lastName: "Babbage", username: "bob" });
    await openDirectWith(ada.page, "bob", "Bob Babbage");
    await sendMessage(ada.page, "Hello Bob");
    await bob.page.getByRole("link", { name: /Ada Lovelace/ }).click();
    await bob.page.getByRole("heading", { name: "Ada Lovelace", level: 1 }).waitFor();
    expect(await bob.page.locator(".pane-head .avatar img").count()).toBe(0);

    // Ada's picture, from her settings page.
    const picture = join(e2e.server.dir, "ada.png");
    await Bun.write(picture, await png(400, 300, "#2a6"));
    await ada.page.getByRole("link", { name: "Settings" }).click();
    await ada.page.locator("#avatar-file").setInputFiles(picture);
    await ada.page.getByRole("status").getByText("Picture saved.").waitFor();
    await ada.page.getByRole("button", { name: "Remove picture" }).waitFor();

    // Bob sees it live, in the header and in his conversation list, loaded (not broken).
    const headerPicture = bob.page.locator(".pane-head .avatar img");
    await headerPicture.waitFor();
    await bob.page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>(".pane-head .avatar img");
        return img?.complete && img.naturalWidth === 256;
      },
      undefined,
      { timeout: 10_000 },
    );
    await bob.page.locator(".conversation-item .avatar img").first().waitFor();

    // Ada blocks Bob from their conversation, after a confirmation.
    await ada.page.getByRole("link", { name: /Bob Babbage/ }).click();
    await ada.page.getByRole("button", { name: "Block Bob Babbage" }).click();
    await ada.page.getByRole("dialog").getByRole("button", { name: "Block" }).click();
    await ada.page.getByText("You blocked Bob Babbage.").waitFor();
    expect(await ada.page.getByRole("textbox", { name: /Message/ }).count()).toBe(0);

    // Bob's next message is refused, plainly.
    await bob.page.getByRole("textbox", { name: /Message/ }).fill("Are you there?");
    await bob.page.keyboard.press("Enter");
    await bob.page.getByText(/Not sent/).waitFor();

    // In a room they share, Bob's messages are folded for Ada.
    const room = await bob.page.evaluate(async () => {
      const response = await fetch("/trpc/rooms.create", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Engines" }),
      });
      return ((await response.json()) as { result: { data: { id: number } } }).result.data.id;
    });
    await ada.page.evaluate(async (id) => {
      await fetch("/trpc/rooms.join", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id }),
      });
    }, room);
    await bob.page.goto(`/c/${room}`);
    await sendMessage(bob.page, "Gears and levers");
    await ada.page.goto(`/c/${room}`);
    const folded = ada.page.locator(".blocked-row");
    await folded.getByText("Message from a blocked person").waitFor();
    const log = ada.page.getByRole("log");
    expect(await log.getByText("Gears and levers").count()).toBe(0);
    // The conversation list's preview of the room is folded too.
    const engines = ada.page.getByRole("link", { name: /Engines/ });
    await engines.getByText("Message from a blocked person").waitFor();
    expect(await engines.getByText("Gears and levers").count()).toBe(0);
    await folded.getByRole("button", { name: "Show" }).click();
    await log.getByText("Gears and levers").waitFor();

    // Unblocked from the settings page; Bob writes to her again.
    await ada.page.goto("/settings");
    const blocked = ada.page.locator(".blocked-list");
    await blocked.getByText("Bob Babbage").waitFor();
    await ada.page.getByRole("button", { name: "Unblock Bob Babbage" }).click();
    await ada.page.getByText("You have not blocked anyone.").waitFor();
    await bob.page.getByRole("link", { name: /Ada Lovelace/ }).click();
    await sendMessage(bob.page, "Back again");
    await ada.page.getByRole("link", { name: /Bob Babbage/ }).click();
    await ada.page.getByRole("log").getByText("Back again").waitFor();

    expect(ada.errors).toEqual([]);
    expect(bob.errors.filter((e) => !e.includes("403"))).toEqual([]);
  }, 240_000);
});
