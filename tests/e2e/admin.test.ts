// The admin page in the browser: find someone, deactivate them, see it in the activity
// log; their open app is sent back to the login page at once (socket closed with 1008).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser, newPerson, type Person, signUpInBrowser } from "../helpers/browser.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let browser: Browser;
let person: Person;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  person = await newPerson(browser, server.url, { viewport: { width: 390, height: 844 } });
  await signUpInBrowser(person.page, { firstName: "Mary", lastName: "Shelley", username: "mary" });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("an admin deactivates someone: their app goes back to the login page", async () => {
  const admin = await newPerson(browser, server.url);
  await signUpInBrowser(admin.page, { firstName: "Ada", lastName: "Admin", username: "admin" });
  server.deps.database.sqlite.run("update users set is_admin = 1 where username = 'admin'");
  await admin.page.reload();
  await admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await admin.page.getByLabel("Search users").fill("mary");
  await admin.page.getByRole("button", { name: "Deactivate mary" }).click();
  await admin.page.getByRole("button", { name: "Reactivate mary" }).waitFor();
  await admin.page.getByRole("cell", { name: "admin set active" }).first().waitFor();

  await person.page.getByRole("heading", { name: "Welcome back" }).waitFor();
  await person.page.getByText("Your session has ended").waitFor();
  expect(person.errors).toEqual([]);
  expect(admin.errors).toEqual([]);
  await admin.context.close();
}, 30_000);
