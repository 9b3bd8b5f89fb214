// Accounts in the browser: validation errors under each signup field, login and logout.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person } from "../helpers/browser.ts";
import { signUp } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let person: Person;

  beforeAll(async () => {
    person = await newPerson(e2e.browser, e2e.server.url, { viewport: { width: 390, height: 844 } });
  }, 60_000);

  test("the signup form shows the server's errors beside each field", async () => {
    await signUp(e2e.server.url, { username: "taken", email: "taken@example.com" });
    const { page } = person;
    await page.goto("/signup");
    await page.getByLabel("First name").fill("Mary");
    await page.getByLabel("Username").fill("no spaces allowed");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();

    await page.getByRole("alert").getByText("Please fix the fields marked below.").waitFor();
    const errorOf = async (label: string) => {
      const field = page.getByLabel(label, { exact: true });
      expect(await field.getAttribute("aria-invalid")).toBe("true");
      const id = (await field.getAttribute("aria-describedby")) ?? "";
      return page.locator(`[id="${id.split(" ")[0]}"]`).textContent();
    };
    expect(await errorOf("Last name")).toBe("Last name is required");
    expect(await errorOf("Username")).toContain("letters, digits");
    expect(await errorOf("Email")).toBe("Enter an email like name@example.com");
    expect(await errorOf("Password")).toBe("At least 8 characters");
    expect(await page.getByLabel("First name").getAttribute("aria-invalid")).toBeNull();
    // The first field in error has the focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("lastName");

    // A username already in use is a field error too.
    await page.getByLabel("Last name").fill("Shelley");
    await page.getByLabel("Username").fill("TAKEN");
    await page.getByLabel("Email").fill("mary@example.com");
    await page.getByLabel("Password").fill("frankenstein1818");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("already", { exact: false }).first().waitFor();
    expect(await page.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Username").fill("mary");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
  });

  test("log out, a wrong password, log in again", async () => {
    const { page } = person;
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();

    await page.getByLabel("Username").fill("mary");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").getByText("Wrong username or password.").waitFor();

    await page.getByLabel("Password").fill("frankenstein1818");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
  });
});
