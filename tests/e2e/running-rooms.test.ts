// Running a room in Chromium: Olga creates a private room, invites Mick and Nina from the
// member list, makes Mick a moderator; Mick renames the room (Nina sees the system line and
// the new name live) and removes Nina after a confirmation (Esc first cancels it): the room
// leaves Nina's screen and she can no longer read it. Leaving asks first too (Cancel and Esc
// keep Mick in; confirming takes the room off his list).
import { beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { newPerson, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let olga: Person;
  let mick: Person;
  let nina: Person;

  beforeAll(async () => {
    [olga, mick, nina] = (await Promise.all([0, 1, 2].map(() => newPerson(e2e.browser, e2e.server.url)))) as [
      Person,
      Person,
      Person,
    ];
    await Promise.all([
      signUpInBrowser(olga.page, { firstName: "Olga", lastName: "Berg", username: "olga" }),
      signUpInBrowser(mick.page, { firstName: "Mick", lastName: "Dunn", username: "mick" }),
      signUpInBrowser(nina.page, { firstName: "Nina", lastName: "Frey", username: "nina" }),
    ]);
  }, 60_000);

  /** The text of a system line, whose names sit in direction isolates (U+2068 … U+2069). */
  const line = (text: string) =>
    new RegExp([...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\u2068\u2069]*"));

  const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
  const membersDialog = (page: Page) => page.getByRole("dialog", { name: /^Members of / });
  const memberRow = (page: Page, name: string) => membersDialog(page).getByRole("listitem").filter({ hasText: name });

  async function openMembers(page: Page) {
    await page.getByRole("button", { name: /^Show members/ }).click();
    await membersDialog(page).waitFor();
  }

  test("a private room: invitations, a moderator, a rename seen live, a removal after a confirmation", async () => {
    // Olga creates a private room.
    await nav(olga.page).getByRole("link", { name: "Rooms" }).click();
    await olga.page.getByLabel("New room").fill("Secret garden");
    await olga.page.getByLabel(/Private: only/).check();
    await olga.page.getByRole("button", { name: "Create room" }).click();
    await olga.page.getByRole("heading", { name: "Secret garden", level: 1 }).waitFor();
    await olga.page.locator(".pane-sub").getByText("Private").waitFor();

    // Nobody else finds it.
    await nav(nina.page).getByRole("link", { name: "Rooms" }).click();
    await nina.page.getByLabel("Search rooms").fill("secret");
    await nina.page.getByText("No room matches “secret”.").waitFor();

    // Olga invites both from the member list; Nina's list gets the room at once.
    await openMembers(olga.page);
    for (const username of ["mick", "nina"]) {
      await membersDialog(olga.page).getByLabel("Invite someone by username").fill(username);
      await membersDialog(olga.page).getByRole("button", { name: "Invite" }).click();
      await memberRow(olga.page, `@${username}`).waitFor();
    }
    await memberRow(olga.page, "Olga Berg").getByText("Owner", { exact: true }).waitFor();
    // An unknown name is refused in words.
    await membersDialog(olga.page).getByLabel("Invite someone by username").fill("nobody");
    await membersDialog(olga.page).getByRole("button", { name: "Invite" }).click();
    await membersDialog(olga.page).getByRole("alert").getByText("No one has this username").waitFor();

    // Olga makes Mick a moderator.
    await memberRow(olga.page, "Mick Dunn").getByRole("button", { name: "Make moderator" }).click();
    await memberRow(olga.page, "Mick Dunn").getByText("Moderator", { exact: true }).waitFor();
    // The row stays as it was: the focus is still on its button, which now undoes it.
    await memberRow(olga.page, "Mick Dunn").getByRole("button", { name: "Remove moderator" }).waitFor();
    expect(await olga.page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Remove moderator");
    // Esc closes the member list (the shell's own Esc handling used to swallow it).
    await olga.page.keyboard.press("Escape");
    await membersDialog(olga.page).waitFor({ state: "hidden" });

    const sidebarRoom = (page: Page, name: string) =>
      page.getByRole("complementary").getByRole("link", { name: new RegExp(name) });
    await sidebarRoom(nina.page, "Secret garden").click();
    await nina.page.getByRole("heading", { name: "Secret garden", level: 1 }).waitFor();
    await nina.page.getByRole("log").getByText(line("Olga Berg added Nina Frey")).waitFor();
    await sendMessage(nina.page, "Lovely roses here");

    // Mick renames the room; Nina sees the system line and the new name, live.
    await sidebarRoom(mick.page, "Secret garden").click();
    await openMembers(mick.page);
    const rename = membersDialog(mick.page).getByLabel("Room name");
    await rename.fill("Walled garden");
    await membersDialog(mick.page).getByRole("button", { name: "Rename" }).click();
    await nina.page
      .getByRole("log")
      .getByText(line("Mick Dunn renamed the room from “Secret garden” to “Walled garden”"))
      .waitFor();
    await nina.page.getByRole("heading", { name: "Walled garden", level: 1 }).waitFor();
    // A moderator may remove members, not the owner.
    await memberRow(mick.page, "Olga Berg").waitFor();
    expect(await memberRow(mick.page, "Olga Berg").getByRole("button").count()).toBe(0);

    // Removing asks first: Esc cancels, and nothing happens.
    await memberRow(mick.page, "Nina Frey").getByRole("button", { name: "Remove" }).click();
    const confirm = mick.page.getByRole("dialog", { name: "Remove this member?" });
    await confirm.waitFor();
    await confirm.getByText("Nina Frey will no longer be able to read or write in Walled garden.").waitFor();
    await mick.page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    await memberRow(mick.page, "Nina Frey").waitFor();
    // Then for real.
    await memberRow(mick.page, "Nina Frey").getByRole("button", { name: "Remove" }).click();
    await confirm.getByRole("button", { name: "Remove" }).click();
    await confirm.waitFor({ state: "hidden" });
    await memberRow(mick.page, "Nina Frey").waitFor({ state: "detached" });
    await mick.page.getByRole("log").getByText(line("Mick Dunn removed Nina Frey")).waitFor();

    // Nina's screen drops the room, and the server no longer lets her read it.
    await nina.page.getByRole("heading", { name: "Walled garden", level: 1 }).waitFor({ state: "detached" });
    expect(await sidebarRoom(nina.page, "Walled garden").count()).toBe(0);
    const conversationId = Number(new URL(olga.page.url()).pathname.split("/").at(-1));
    const input = encodeURIComponent(JSON.stringify({ conversationId }));
    const read = await nina.context.request.get(`/trpc/history.messages?input=${input}`);
    expect(read.status()).toBe(404);

    // Leaving asks first; Cancel keeps Mick in the room.
    await mick.page.keyboard.press("Escape");
    await mick.page.getByRole("button", { name: "Leave room" }).click();
    const leave = mick.page.getByRole("dialog", { name: "Leave this room?" });
    await leave.getByText("Walled garden is private: to come back, you will need a new invitation.").waitFor();
    await leave.getByRole("button", { name: "Cancel" }).click();
    await leave.waitFor({ state: "hidden" });
    await mick.page.getByRole("heading", { name: "Walled garden", level: 1 }).waitFor();
    // Esc cancels too; confirming leaves: the room goes from Mick's list.
    await mick.page.getByRole("button", { name: "Leave room" }).click();
    await leave.waitFor();
    await mick.page.keyboard.press("Escape");
    await leave.waitFor({ state: "hidden" });
    await mick.page.getByRole("heading", { name: "Walled garden", level: 1 }).waitFor();
    await mick.page.getByRole("button", { name: "Leave room" }).click();
    await leave.getByRole("button", { name: "Leave" }).click();
    await mick.page.getByRole("heading", { name: "Walled garden", level: 1 }).waitFor({ state: "detached" });
    await sidebarRoom(mick.page, "Walled garden").waitFor({ state: "detached" });
    await olga.page.getByRole("log").getByText(line("Mick Dunn left the room")).waitFor();

    for (const person of [olga, mick, nina]) expect(person.errors).toEqual([]);
  }, 120_000);
});
