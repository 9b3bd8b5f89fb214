// Forgotten passwords in Chromium: the mail path through a real SMTP server (ask, read the
// mail, follow its link, set a password, log in with it), and without mail the login page
// says to ask an admin, who makes the link on the admin page.

import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { newPerson } from "../helpers/browser.ts";
import { signUp } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { withBrowser } from "../helpers/e2e.ts";
import { freePort } from "../helpers/redis.ts";
import { startTestServer } from "../helpers/server.ts";
import { linkIn, startSmtp } from "../helpers/smtp.ts";

forEachDatabase(() => {
  const e2e = withBrowser(async () => {
    const smtp = await startSmtp();
    // The link in the mail must point at this server: its port is chosen first.
    const port = await freePort();
    const [withMail, withoutMail] = await Promise.all([
      startTestServer({ PORT: String(port), SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}` }),
      startTestServer(),
    ]);
    return { smtp, withoutMail, withMail };
  });

  async function setNewPassword(page: Page, password: string) {
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    // The token left the address bar at once.
    expect(new URL(page.url()).hash).toBe("");
    await page.getByLabel("New password").fill(password);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("status").getByText("Your password is changed.").waitFor();
  }

  async function logIn(page: Page, username: string, password: string) {
    await page.goto("/login");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
  }

  test("a mailed link: ask, read the mail, follow the link, set a password, log in", async () => {
    const ada = await signUp(e2e.withMail.url, { username: "ada", email: "ada@example.com" });
    const { page, errors } = await newPerson(e2e.browser, e2e.withMail.url);
    await page.goto("/login", { timeout: 30_000 });
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByRole("status").getByText("a link to reset its password is on its way").waitFor();

    const link = linkIn(await e2e.smtp.nextMailTo("ada@example.com"));
    await page.goto(link);
    await setNewPassword(page, "analytical engine 1843");
    await page.getByRole("link", { name: "Log in" }).click();
    await logIn(page, "ada", "analytical engine 1843");

    // The link worked once.
    await page.context().clearCookies();
    await page.goto(link);
    await page.getByLabel("New password").fill("another try at it");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("alert").getByText("This reset link is invalid, used or expired.").waitFor();
    expect(ada.user.username).toBe("ada");
    expect(errors).toEqual([]);
  }, 180_000);

  test("without mail: the login page says to ask an admin, who makes the link", async () => {
    const { page: visitor } = await newPerson(e2e.browser, e2e.withoutMail.url);
    await visitor.goto("/forgot-password", { timeout: 30_000 });
    await visitor.getByText("Ask an administrator to create a reset link for you").waitFor();

    const admin = await signUp(e2e.withoutMail.url, { username: "root", password: "admin password here" });
    await rawRows(e2e.withoutMail.deps.database, "update users set is_admin = true where id = ?", admin.user.id);
    await signUp(e2e.withoutMail.url, { username: "bob", firstName: "Bob", lastName: "Builder" });
    const { page } = await newPerson(e2e.browser, e2e.withoutMail.url);
    await logIn(page, "root", "admin password here");
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("button", { name: "Create a password reset link for bob" }).click();
    const field = page.getByLabel("Password reset link for bob", { exact: true });
    await field.waitFor();
    const link = await field.inputValue();
    expect(link.startsWith(`${e2e.withoutMail.url}/reset-password#`)).toBe(true);

    await visitor.goto(link);
    await setNewPassword(visitor, "can we fix it yes");
    await logIn(visitor, "bob", "can we fix it yes");
  }, 180_000);
});
