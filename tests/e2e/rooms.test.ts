// A room with three people: one creates it, two find it in the rooms browser and join,
// and everyone's messages reach everyone live, with the sender's name.
import { beforeAll, expect, test } from "bun:test";
import { newPerson, type Person, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();
  let people: Person[] = [];

  beforeAll(async () => {
    people = await Promise.all([0, 1, 2].map(() => newPerson(e2e.browser, e2e.server.url)));
    const names = [
      { firstName: "Rosa", lastName: "Parks", username: "rosa" },
      { firstName: "Sam", lastName: "Cole", username: "sam" },
      { firstName: "Tess", lastName: "Ward", username: "tess" },
    ];
    await Promise.all(people.map((person, i) => signUpInBrowser(person.page, names[i] as (typeof names)[number])));
  }, 60_000);

  test("three people talk in a room", async () => {
    const [rosa, sam, tess] = people as [Person, Person, Person];
    const nav = (person: Person) => person.page.getByRole("navigation", { name: "Main" });

    await nav(rosa).getByRole("link", { name: "Rooms" }).click();
    await rosa.page.getByLabel("New room").fill("Book club");
    await rosa.page.getByRole("button", { name: "Create room" }).click();
    await rosa.page.getByRole("heading", { name: "Book club", level: 1 }).waitFor();

    for (const person of [sam, tess]) {
      await nav(person).getByRole("link", { name: "Rooms" }).click();
      await person.page.getByLabel("Search rooms").fill("book");
      await person.page.getByRole("button", { name: "Join Book club" }).click();
      await person.page.getByRole("heading", { name: "Book club", level: 1 }).waitFor();
    }

    await sendMessage(rosa.page, "Welcome to the book club!");
    await sendMessage(sam.page, "Thanks Rosa, glad to be here.");
    await sendMessage(tess.page, "Same here. What are we reading?");

    for (const person of people) {
      const log = person.page.getByRole("log");
      await log.getByText("Welcome to the book club!").waitFor();
      await log.getByText("Thanks Rosa, glad to be here.").waitFor();
      await log.getByText("Same here. What are we reading?").waitFor();
    }
    // Each sees the others' names above their messages.
    // (Exactly the name: the system lines "Sam Cole joined the room" hold it too.)
    await rosa.page.getByRole("log").getByText("Sam Cole", { exact: true }).waitFor();
    await rosa.page.getByRole("log").getByText("Tess Ward", { exact: true }).waitFor();
    await tess.page.getByRole("log").getByText("Rosa Parks", { exact: true }).waitFor();
    await rosa.page
      .getByRole("log")
      .getByText(/Sam Cole\u2069? joined the room/)
      .waitFor();
    // Every message exactly once.
    expect(await sam.page.getByRole("log").getByText("Welcome to the book club!").count()).toBe(1);

    // The room is in everyone's conversation list, with the last message.
    for (const person of people) {
      await person.page.getByRole("link", { name: /Book club.*What are we reading/ }).waitFor();
    }
    for (const person of people) expect(person.errors).toEqual([]);
  }, 40_000);

  test("on a phone-sized screen the room's name is shown whole beside its buttons", async () => {
    const [rosa] = people as [Person];
    await rosa.page.setViewportSize({ width: 390, height: 844 });
    const title = rosa.page.getByRole("heading", { name: "Book club", level: 1 });
    await title.waitFor();
    // Not cut to "Bo…": the buttons leave the name its width (Leave room shows as its icon).
    expect(await title.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);
    const leave = rosa.page.getByRole("button", { name: "Leave room" });
    expect(await leave.isVisible()).toBe(true);
    await leave.click();
    await rosa.page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    expect(rosa.errors).toEqual([]);
  }, 30_000);
});
