// The admin page in the browser. Every change asks first: making an admin, deactivating
// (with a reason; the person's open app goes back to the login page at once and they
// cannot log in) and reactivating (they can again). The activity log says what happened in
// sentences with names, and filters by kind and by person.

import { beforeAll, expect, test } from "bun:test";
import type { Locator, Page } from "playwright-core";
import { newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let mary: Person;
  let admin: Person;

  beforeAll(async () => {
    [mary, admin] = await Promise.all([
      newPerson(e2e.browser, e2e.server.url, { viewport: { width: 390, height: 844 } }),
      newPerson(e2e.browser, e2e.server.url),
    ]);
    await Promise.all([
      signUpInBrowser(mary.page, { firstName: "Mary", lastName: "Shelley", username: "mary" }),
      signUpInBrowser(admin.page, { firstName: "Ada", lastName: "Admin", username: "admin" }),
    ]);
    await rawRows(e2e.server.deps.database, "update users set is_admin = true where username = 'admin'");
    // Made an admin behind the app's back, as an operator would on the database: the session
    // the server remembers for SESSION_CACHE_TTL_MS still says otherwise until it expires,
    // so the page shows the link after a reload at most that much later.
    const adminLink = admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" });
    await eventually(
      async () => {
        await admin.page.reload();
        return adminLink.waitFor({ timeout: 1_500 }).then(
          () => true,
          () => false,
        );
      },
      "the Admin link after the grant",
      20_000,
    );
    await adminLink.click();
  }, 60_000);

  const log = (page: Page) => page.getByRole("region", { name: "Activity table" });
  const isAdmin = async (username: string) => {
    const [row] = await rawRows<{ is_admin: unknown }>(
      e2e.server.deps.database,
      "select is_admin from users where username = ?",
      username,
    );
    return Boolean(row?.is_admin);
  };

  async function logInAs(page: Page, username: string) {
    await page.goto("/login");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Log in" }).click();
  }

  test("making someone an admin asks first; the log says who made whom an admin", async () => {
    const page = admin.page;
    await page.getByLabel("Search users").fill("mary");
    await page.getByRole("button", { name: "Make admin: mary" }).click();
    const dialog = page.getByRole("dialog", { name: "Make this person an admin?" });
    await dialog.getByText("Mary Shelley can then see every account").waitFor();
    // Cancel first: nothing changes.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await isAdmin("mary")).toBe(false);

    await page.getByRole("button", { name: "Make admin: mary" }).click();
    await dialog.getByRole("button", { name: "Make admin" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Remove admin: mary" }).waitFor();
    expect(await isAdmin("mary")).toBe(true);
    await log(page).getByRole("cell", { name: "Ada Admin made Mary Shelley (@mary) an admin" }).waitFor();
    // The person column names the admin, never a raw id.
    const row = log(page).getByRole("row").filter({ hasText: "made Mary Shelley" });
    await row.getByRole("cell", { name: "Ada Admin @admin" }).waitFor();

    // And back: removing the rights asks too.
    await page.getByRole("button", { name: "Remove admin: mary" }).click();
    await page
      .getByRole("dialog", { name: "Remove these admin rights?" })
      .getByRole("button", { name: "Remove admin" })
      .click();
    await page.getByRole("button", { name: "Make admin: mary" }).waitFor();
    expect(await isAdmin("mary")).toBe(false);
    await log(page).getByRole("cell", { name: "Ada Admin removed the admin rights of Mary Shelley (@mary)" }).waitFor();
    expect(admin.errors).toEqual([]);
  }, 60_000);

  test("deactivating takes a confirmation and a reason: Mary is logged out and cannot log in; reactivating lets her back", async () => {
    const page = admin.page;
    await page.getByRole("button", { name: "Deactivate mary" }).click();
    const dialog = page.getByRole("dialog", { name: "Deactivate this account?" });
    const reason = dialog.getByLabel("Reason");
    // The reason has the focus; without one the dialog stays open and nothing happens.
    await expect(reason.evaluate((field) => field === document.activeElement)).resolves.toBe(true);
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await expect(reason.evaluate((field: HTMLTextAreaElement) => field.validity.valueMissing)).resolves.toBe(true);
    await dialog.waitFor();
    // Esc cancels.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Deactivate mary" }).waitFor();

    await page.getByRole("button", { name: "Deactivate mary" }).click();
    await reason.fill("Spam in every room");
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Reactivate mary" }).waitFor();
    await log(page)
      .getByRole("cell", { name: "Ada Admin deactivated Mary Shelley (@mary): “Spam in every room”" })
      .waitFor();

    // Mary's open app goes back to the login page, and logging in is refused.
    await mary.page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await mary.page.getByText("Your session has ended").waitFor();
    await logInAs(mary.page, "mary");
    await mary.page
      .getByRole("alert")
      .filter({ hasText: /deactivated/i })
      .waitFor();
    await mary.page.getByRole("heading", { name: "Welcome back" }).waitFor();

    // Reactivating asks for a reason too; then Mary logs in again.
    await page.getByRole("button", { name: "Reactivate mary" }).click();
    const back = page.getByRole("dialog", { name: "Reactivate this account?" });
    await back.getByLabel("Reason").fill("Promised to stop");
    await back.getByRole("button", { name: "Reactivate" }).click();
    await page.getByRole("button", { name: "Deactivate mary" }).waitFor();
    await log(page)
      .getByRole("cell", { name: "Ada Admin reactivated Mary Shelley (@mary): “Promised to stop”" })
      .waitFor();
    await logInAs(mary.page, "mary");
    await mary.page.getByRole("heading", { name: "Conversations" }).waitFor();
    expect(admin.errors).toEqual([]);
  }, 60_000);

  /** Waits (bounded, as every wait) until nothing matches. */
  const noneLeft = (locator: Locator) => locator.first().waitFor({ state: "detached" });

  test("the log filters by kind and by person", async () => {
    const page = admin.page;
    const rows = log(page).locator("tbody tr");
    // By kind: only the switches off and on, both of them.
    await page.getByLabel("Kind").selectOption({ label: "Deactivated or reactivated" });
    await noneLeft(rows.filter({ hasNotText: /deactivated|reactivated/ }));
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);

    // By person: everything by or about Mary, of any kind.
    await page.getByLabel("Kind").selectOption({ label: "All" });
    await page.getByLabel("Person").fill("mary");
    await noneLeft(log(page).getByRole("cell", { name: "Ada Admin signed up" }));
    await log(page).getByRole("cell", { name: "Mary Shelley signed up" }).waitFor();
    await log(page)
      .getByRole("cell", { name: /Ada Admin deactivated Mary Shelley/ })
      .waitFor();
    await noneLeft(rows.filter({ hasNotText: "Mary Shelley" }));
    // Both: Mary's entries of one kind.
    await page.getByLabel("Kind").selectOption({ label: "Admin rights" });
    await noneLeft(log(page).getByRole("cell", { name: "Mary Shelley signed up" }));
    await rows.nth(1).waitFor();
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining("Ada Admin removed the admin rights of Mary Shelley (@mary)"),
      expect.stringContaining("Ada Admin made Mary Shelley (@mary) an admin"),
    ]);

    // A name nobody has says so and lists nothing; clearing the field lists everyone again.
    await page.getByLabel("Kind").selectOption({ label: "All" });
    await page.getByLabel("Person").fill("nobody_here");
    await page.getByText("No one has this username.").waitFor();
    await noneLeft(rows);
    await page.getByLabel("Person").fill("");
    await log(page).getByRole("cell", { name: "Ada Admin signed up" }).waitFor();
    expect(admin.errors).toEqual([]);
    expect(mary.errors).toEqual([]);
  }, 60_000);
});
