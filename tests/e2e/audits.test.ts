// Audits a person would otherwise run by hand: Lighthouse's accessibility and best-practice
// scores on the login page and on an open conversation, Chromium's own verdict on whether
// the app can be installed, and axe on every main screen in the dark theme too.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createServer } from "node:net";
import lighthouse from "lighthouse";
import { type BrowserContext, chromium } from "playwright-core";
import { sqliteOf } from "../../src/db/client.ts";
import { seriousViolations } from "../helpers/axe.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser, newPerson, UI_TIMEOUT_MS } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { startTestServer, type TestServer, tempDir } from "../helpers/server.ts";

/** The lowest accepted Lighthouse score (0 to 1) for accessibility and best practices. */
const MIN_SCORE = 0.95;

/** Two full Lighthouse runs: about 20 s each on a quiet machine, a minute under load. */
const LIGHTHOUSE_TIMEOUT_MS = 240_000;

let server: TestServer;
let kim: TestUser;
let lee: TestUser;
let directId = 0;

beforeAll(async () => {
  server = await startTestServer();
  kim = await signUp(server.url, { username: "kim", firstName: "Kim", lastName: "Park" });
  lee = await signUp(server.url, { username: "lee", firstName: "Lee", lastName: "Chan" });
  sqliteOf(server.deps.database).run("update users set is_admin = 1 where username = 'kim'");
  const first = await lee.trpc.history.send.mutate({ to: { userId: kim.user.id }, body: "Hi Kim", clientId: "c-1" });
  directId = first.conversationId;
  await kim.trpc.history.send.mutate({ to: { userId: lee.user.id }, body: "Hello **Lee**", clientId: "c-2" });
  await kim.trpc.rooms.create.mutate({ name: "Lounge" });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Logs in through the form in the browser's default profile, which Lighthouse's tab shares. */
async function logIn(context: BrowserContext, username: string) {
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Conversations" }).waitFor({ timeout: UI_TIMEOUT_MS });
  await page.close();
}

/** Each category's score, and the audits that cost points, as lines a failure prints. */
async function audit(port: number, url: string) {
  const result = await lighthouse(url, {
    port,
    logLevel: "error",
    onlyCategories: ["accessibility", "best-practices"],
    formFactor: "desktop",
    screenEmulation: { disabled: true },
    // Keep the login cookie: the conversation page is only there for a signed-in person.
    disableStorageReset: true,
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.message}`);
  const scores = Object.fromEntries(Object.entries(lhr.categories).map(([id, category]) => [id, category.score]));
  const lost = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && ["binary", "numeric"].includes(a.scoreDisplayMode))
    .map((a) => `${a.id}: ${a.title}`);
  return { scores, lost };
}

test(
  "Lighthouse scores accessibility and best practices at least 95 on login and an open conversation",
  async () => {
    const port = await freePort();
    const context = await chromium.launchPersistentContext(tempDir("parley-lighthouse-"), {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`],
      timeout: 30_000,
    });
    try {
      const login = await audit(port, `${server.url}/login`);
      await logIn(context, "kim");
      const conversation = await audit(port, `${server.url}/c/${directId}`);
      for (const report of [login, conversation]) {
        for (const score of Object.values(report.scores)) {
          if (score === null || score < MIN_SCORE) expect(report).toEqual({ scores: {}, lost: [] });
        }
      }
      expect(Object.keys(conversation.scores).sort()).toEqual(["accessibility", "best-practices"]);
    } finally {
      await context.close();
    }
  },
  LIGHTHOUSE_TIMEOUT_MS,
);

test("Chromium finds the app installable (manifest, icons, service worker)", async () => {
  // A persistent profile: Chromium never offers to install from an incognito one.
  const context = await chromium.launchPersistentContext(tempDir("parley-install-"), {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);

test("axe finds no serious violation on the main screens, light and dark, wide and phone", async () => {
  const browser = await launchBrowser();
  try {
    const found: Record<string, string[]> = {};
    // Light on a wide screen and dark on a phone: each theme and each layout once.
    const looks = [
      { colorScheme: "light", viewport: { width: 1280, height: 800 } },
      { colorScheme: "dark", viewport: { width: 390, height: 844 } },
    ] as const;
    for (const { colorScheme, viewport } of looks) {
      const person = await newPerson(browser, server.url, { colorScheme, viewport });
      const { page } = person;
      const check = async (name: string) => {
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[`${name} ${colorScheme} ${viewport.width}`] = violations;
      };
      await page.goto("/login");
      await page.getByRole("heading", { name: "Welcome back" }).waitFor();
      await check("login");
      await page.getByLabel("Username").fill("kim");
      await page.getByLabel("Password").fill("correct horse battery");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("heading", { name: "Conversations" }).waitFor();
      await check("conversations");
      await page.goto(`/c/${directId}`);
      await page.getByText("Hi Kim").waitFor();
      await check("conversation");
      await page.goto("/rooms");
      await page.getByRole("list", { name: "Rooms" }).getByText("Lounge").waitFor();
      await check("rooms");
      await page.goto("/people");
      await page.getByLabel("Search people").waitFor();
      await check("people");
      await page.goto("/admin");
      await page.getByLabel("Search users").waitFor();
      await check("admin");
      expect(person.errors).toEqual([]);
      await person.context.close();
    }
    expect(found).toEqual({});
  } finally {
    await browser.close();
  }
}, 120_000);
