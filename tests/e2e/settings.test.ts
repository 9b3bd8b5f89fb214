// Settings in the browser: changing the password (by keyboard) logs out the person's other
// browser at once, and the devices list logs out one device.

import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let desk: Person;
  let laptop: Person;

  beforeAll(async () => {
    [desk, laptop] = await Promise.all([
      newPerson(e2e.browser, e2e.server.url),
      newPerson(e2e.browser, e2e.server.url),
    ]);
    // The first load compiles the bundle in a fresh browser: slow on a busy machine.
    await desk.page.goto("/login", { timeout: 45_000 });
  }, 90_000);

  async function logIn(person: Person, password: string) {
    const { page } = person;
    await page.goto("/login");
    await page.getByLabel("Username").fill("grace");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
  }

  test("changing the password logs out the other browser; this one stays", async () => {
    await signUpInBrowser(desk.page, { firstName: "Grace", lastName: "Hopper", username: "grace" });
    await logIn(laptop, "correct horse battery");

    const { page } = desk;
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
    await devices.nth(1).waitFor();
    expect(await devices.count()).toBe(2);
    expect(await devices.filter({ hasText: "this device" }).count()).toBe(1);
    expect(await devices.first().textContent()).toContain("Chrome on Linux");

    // By keyboard: type, Tab, type, Enter.
    await page.getByLabel("Current password").focus();
    await page.keyboard.type("correct horse battery");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("newPassword");
    await page.keyboard.type("nanoseconds are short");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Password changed. Every other device was logged out.").waitFor();

    // The other browser is on the login page, told why, without reloading.
    await laptop.page.getByText("Your session has ended. Please log in again.").waitFor();
    await laptop.page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await desk.page.reload();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await devices.first().waitFor();
    expect(await devices.count()).toBe(1);
    const [log] = await rawRows<{ n: unknown }>(
      e2e.server.deps.database,
      "select count(*) as n from activity_log where kind = 'password_changed'",
    );
    expect(Number(log?.n)).toBe(1);
  }, 120_000);

  test("a wrong current password is said beside the field", async () => {
    const { page } = desk;
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill("another long secret");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("This is not your current password.").waitFor();
    expect(await page.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
  });

  test("log out one device from the list", async () => {
    await logIn(laptop, "nanoseconds are short");
    const { page } = desk;
    await page.reload();
    const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
    await devices.nth(1).waitFor();
    await page.getByRole("button", { name: "Log out Chrome on Linux" }).click();
    await laptop.page.getByText("Your session has ended. Please log in again.").waitFor();
    await page.getByRole("button", { name: "Log out all other devices" }).waitFor({ state: "detached" });
    expect(await devices.count()).toBe(1);
    expect(desk.errors).toEqual([]);
  }, 60_000);

  test("the desktop notifications prompt can be dismissed for good, and phones never see it", async () => {
    const { page } = desk;
    const prompt = page.getByRole("button", { name: "Turn on desktop notifications" });
    await page.goto("/");
    await prompt.waitFor();
    await page.getByRole("button", { name: "Do not ask about desktop notifications again" }).click();
    await prompt.waitFor({ state: "detached" });
    await page.reload();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
    expect(await prompt.count()).toBe(0);

    const phone = await e2e.browser.newContext({
      baseURL: e2e.server.url,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const phonePage = await phone.newPage();
    await phonePage.goto("/login", { timeout: 30_000 });
    await phonePage.getByLabel("Username").fill("grace");
    await phonePage.getByLabel("Password").fill("nanoseconds are short");
    await phonePage.getByRole("button", { name: "Log in" }).click();
    await phonePage.getByRole("heading", { name: "Conversations" }).waitFor();
    expect(await phonePage.getByRole("button", { name: "Turn on desktop notifications" }).count()).toBe(0);
    await phone.close();
  }, 90_000);
});
