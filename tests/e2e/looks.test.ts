// How the client looks where it used to fall short: the signup card in an 800 px high
// window, room rows on a phone, room avatars and the room header, the connection notice
// beside (not over) the title with presence marked unknown meanwhile, and a quiet
// signed-out start.
import { beforeAll, expect, test } from "bun:test";
import type { Locator, Page } from "playwright-core";
import { newPerson } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

const e2e = serverAndBrowser();
let kim: TestUser;
let directId = 0;

beforeAll(async () => {
  kim = await signUp(e2e.server.url, { username: "kim", firstName: "Kim", lastName: "Park" });
  const lee = await signUp(e2e.server.url, { username: "lee", firstName: "Lee", lastName: "Chan" });
  const book = await kim.trpc.rooms.create.mutate({ name: "Book club" });
  await kim.trpc.rooms.create.mutate({ name: "Garden" });
  await lee.trpc.rooms.join.mutate({ id: book.id });
  const direct = await lee.trpc.history.send.mutate({ to: { userId: kim.user.id }, body: "Hi Kim", clientId: "c-1" });
  directId = direct.conversationId;
}, 60_000);

async function logIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Username").fill("kim");
  await page.getByLabel("Password").fill(kim.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Conversations" }).waitFor();
}

const box = async (locator: Locator) => {
  const found = await locator.boundingBox();
  if (!found) throw new Error("not on screen");
  return found;
};

test("a signed-out visit logs nothing in the console, and the signup card fits an 800 px window", async () => {
  const { page, context } = await newPerson(e2e.browser, e2e.server.url, { viewport: { width: 1280, height: 800 } });
  const logged: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") logged.push(message.text());
  });
  await page.goto("/");
  await page.getByRole("heading", { name: "Welcome back" }).waitFor();
  await page.getByRole("link", { name: "Create an account" }).click();
  const submit = page.getByRole("button", { name: "Create account" });
  await submit.waitFor();
  const button = await box(submit);
  expect(button.y + button.height).toBeLessThanOrEqual(800);
  expect(await page.evaluate(() => document.scrollingElement?.scrollTop ?? 0)).toBe(0);
  expect(logged).toEqual([]);
  await context.close();
});

test("on a phone, a room's members and last activity are not cut off", async () => {
  const { page, context } = await newPerson(e2e.browser, e2e.server.url, { viewport: { width: 390, height: 844 } });
  await logIn(page);
  await page.goto("/rooms");
  const row = page.getByRole("listitem").filter({ hasText: "Book club" });
  const details = row.getByText(/2 members · active/);
  await details.waitFor();
  expect(await details.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  const rowBox = await box(row);
  const detailsBox = await box(details);
  expect(detailsBox.x + detailsBox.width).toBeLessThanOrEqual(rowBox.x + rowBox.width);
  // Each room has its own mark: its initials, not one "#" for all.
  const marks = await page.locator(".room-row .avatar").allTextContents();
  expect(new Set(marks).size).toBe(marks.length);
  await context.close();
});

test("a room's header says how many members it has and that it has no topic", async () => {
  const { page, context } = await newPerson(e2e.browser, e2e.server.url);
  await logIn(page);
  await page.getByRole("link", { name: /Book club/ }).click();
  await page.getByRole("heading", { name: "Book club", level: 1 }).waitFor();
  await page.getByText("2 members · No topic set").waitFor();
  await context.close();
});

test("offline, the notice sits above the title and the other person's presence is unknown", async () => {
  const { page, context } = await newPerson(e2e.browser, e2e.server.url);
  await logIn(page);
  await page.goto(`/c/${directId}`);
  const title = page.getByRole("heading", { name: "Lee Chan", level: 1 });
  await title.waitFor();
  await page.getByText("@lee", { exact: true }).waitFor();

  await context.setOffline(true);
  const notice = page.getByRole("status").getByText("You are offline");
  await notice.waitFor();
  const [noticeBox, titleBox] = [await box(notice), await box(title)];
  const overlap = noticeBox.y < titleBox.y + titleBox.height && titleBox.y < noticeBox.y + noticeBox.height;
  expect(overlap).toBe(false);
  await page.getByText("@lee · status unknown while you are offline").waitFor();
  await page.getByRole("main").getByRole("img", { name: "status unknown while you are offline" }).first().waitFor();

  await context.setOffline(false);
  await notice.waitFor({ state: "hidden" });
  await page.getByText("@lee", { exact: true }).waitFor();
  await context.close();
});
