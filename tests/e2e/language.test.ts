// The client in the person's language: a German browser gets every main screen in German
// (dates and plurals included), an English one in English, and the language setting
// overrides the browser's choice and is kept across reloads. On each screen axe-core
// finds no serious or critical accessibility violation.
import { beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { seriousViolations } from "../helpers/axe.ts";
import { newPerson } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let ada: TestUser;

  beforeAll(async () => {
    ada = await signUp(e2e.server.url, { username: "ada", firstName: "Ada", lastName: "Lovelace" });
    // One room per language, so that each sees "1 member" whatever ran before.
    for (const name of ["Lesekreis", "Book club"]) {
      const room = await ada.trpc.rooms.create.mutate({ name });
      await ada.trpc.history.send.mutate({
        to: { conversationId: room.id },
        body: "Hello",
        clientId: crypto.randomUUID(),
      });
    }
  }, 60_000);

  const screens = {
    "de-DE": {
      login: { heading: "Willkommen zurück", username: "Benutzername", password: "Passwort", submit: "Anmelden" },
      signup: { link: "Konto erstellen", heading: "Erstelle dein Konto", firstName: "Vorname" },
      list: "Unterhaltungen",
      nav: { name: "Hauptmenü", rooms: "Räume", people: "Personen" },
      room: "Lesekreis",
      rooms: { heading: "Räume", members: "1 Mitglied", join: "Lesekreis beitreten" },
      conversation: { today: "Heute", composer: "Nachricht an Lesekreis", leave: "Raum verlassen" },
      people: { heading: "Personen", search: "Personen suchen" },
    },
    "en-US": {
      login: { heading: "Welcome back", username: "Username", password: "Password", submit: "Log in" },
      signup: { link: "Create an account", heading: "Create your account", firstName: "First name" },
      list: "Conversations",
      nav: { name: "Main", rooms: "Rooms", people: "People" },
      room: "Book club",
      rooms: { heading: "Rooms", members: "1 member", join: "Join Book club" },
      conversation: { today: "Today", composer: "Message Book club", leave: "Leave room" },
      people: { heading: "People", search: "Search people" },
    },
  } as const;

  /** axe-core finds no serious or critical violation on the screen as it is now. */
  async function accessible(page: Page) {
    expect({ url: page.url(), violations: await seriousViolations(page) }).toEqual({ url: page.url(), violations: [] });
  }

  async function walkTheMainScreens(page: Page, words: (typeof screens)[keyof typeof screens], username: string) {
    await page.goto("/login");
    await page.getByRole("heading", { name: words.login.heading }).waitFor();
    await accessible(page);
    await page.getByRole("link", { name: words.signup.link }).click();
    await page.getByRole("heading", { name: words.signup.heading }).waitFor();
    await page.getByLabel(words.signup.firstName).waitFor();
    await accessible(page);

    await signUp(e2e.server.url, { username, password: "correct horse battery" });
    await page.goto("/login");
    await page.getByLabel(words.login.username).fill(username);
    await page.getByLabel(words.login.password, { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: words.login.submit }).click();
    await page.getByRole("heading", { name: words.list }).waitFor();
    await accessible(page);

    const nav = page.getByRole("navigation", { name: words.nav.name });
    await nav.getByRole("link", { name: words.nav.rooms }).click();
    await page.getByRole("heading", { name: words.rooms.heading, level: 1 }).waitFor();
    await page.getByRole("listitem").filter({ hasText: words.room }).getByText(words.rooms.members).waitFor();
    await accessible(page);
    await page.getByRole("button", { name: words.rooms.join }).click();

    await page.getByRole("heading", { name: words.room, level: 1 }).waitFor();
    await page.getByText(words.conversation.today, { exact: true }).waitFor();
    await page.getByRole("textbox", { name: words.conversation.composer }).waitFor();
    await page.getByRole("button", { name: words.conversation.leave }).waitFor();
    await accessible(page);

    await nav.getByRole("link", { name: words.nav.people }).click();
    await page.getByRole("heading", { name: words.people.heading, level: 1 }).waitFor();
    await page.getByLabel(words.people.search).waitFor();
    await accessible(page);
  }

  // Each walk runs axe on five screens: seconds on a quiet machine, far longer under load.
  test("a German browser gets every main screen in German", async () => {
    const { page, context, errors } = await newPerson(e2e.browser, e2e.server.url, { locale: "de-DE" });
    await walkTheMainScreens(page, screens["de-DE"], "grete");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("de");
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  test("an English browser gets every main screen in English", async () => {
    const { page, context, errors } = await newPerson(e2e.browser, e2e.server.url, { locale: "en-US" });
    await walkTheMainScreens(page, screens["en-US"], "emma");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  test("the language setting overrides the browser's and is kept after a reload", async () => {
    const { page, context } = await newPerson(e2e.browser, e2e.server.url, { locale: "de-DE" });
    await page.goto("/login");
    await page.getByRole("heading", { name: "Willkommen zurück" }).waitFor();
    await page.getByLabel("Sprache").selectOption("en");
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await page.getByLabel("Language").selectOption("auto");
    await page.getByRole("heading", { name: "Willkommen zurück" }).waitFor();
    await context.close();
  }, 30_000);

  test("on a German phone a direct conversation's header shows the whole name beside its buttons", async () => {
    const grace = await signUp(e2e.server.url, { username: "grace", firstName: "Grace", lastName: "Hopper" });
    const greta = await signUp(e2e.server.url, { username: "greta", password: "correct horse battery" });
    await grace.trpc.history.send.mutate({ to: { userId: greta.user.id }, body: "Hallo Greta" });
    const { page, context, errors } = await newPerson(e2e.browser, e2e.server.url, {
      locale: "de-DE",
      viewport: { width: 390, height: 844 },
    });
    await page.goto("/login");
    await page.getByLabel("Benutzername").fill("greta");
    await page.getByLabel("Passwort", { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.getByRole("link", { name: /Grace Hopper/ }).click();
    const title = page.getByRole("heading", { name: "Grace Hopper", level: 1 });
    await title.waitFor();
    // "Blockieren" is the button's name, shown as its icon: the name is not cut to "Grace H…".
    expect(await title.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);
    expect(await page.getByRole("button", { name: "Grace Hopper blockieren" }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 30_000);
});
