// A profile change in Chromium: Ada renames herself and writes a bio in her settings; Bob,
// with their conversation open, sees the new name and the bio at once, without a reload.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, openDirectWith, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: Person;
  let bob: Person;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([newPerson(e2e.browser, e2e.server.url), newPerson(e2e.browser, e2e.server.url)]);
    await ada.page.goto("/login", { timeout: 45_000 });
  }, 90_000);

  test("the other person sees a new name and bio live", async () => {
    await signUpInBrowser(ada.page, { firstName: "Ada", lastName: "Lovelace", username: "ada" });
    await signUpInBrowser(bob.page, { firstName: "Bob", lastName: "Babbage", username: "bob" });
    await openDirectWith(ada.page, "bob", "Bob Babbage");
    await sendMessage(ada.page, "Have you seen my notes?");
    await bob.page.getByRole("link", { name: /Ada Lovelace/ }).click();
    await bob.page.getByRole("heading", { name: "Ada Lovelace", level: 1 }).waitFor();

    const { page } = ada;
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("First name").fill("Augusta");
    await page.getByLabel("Last name").fill("King");
    await page.getByLabel("Status or bio").fill("Writing notes on the engine");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByRole("status").getByText("Profile saved.").waitFor();
    // Her own name in the sidebar follows.
    await page.locator(".me-name").getByText("Augusta King").waitFor();

    await bob.page.getByRole("heading", { name: "Augusta King", level: 1 }).waitFor();
    await bob.page.locator(".pane-head").getByText("Writing notes on the engine").waitFor();
    await bob.page.getByRole("link", { name: /Augusta King/ }).waitFor();
    expect(bob.errors).toEqual([]);
    expect(ada.errors).toEqual([]);
  }, 180_000);
});
