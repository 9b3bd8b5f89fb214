// The installable app: a manifest with icons, a service worker that keeps only the app
// shell (never an API answer), the shell offline with the outbox kept until the network is
// back, and a prompt to reload when a new version is deployed.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { newPerson, type Person } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const SERVICE_WORKER = join(import.meta.dir, "../../web/dist/sw.js");

  const e2e = serverAndBrowser();
  let kim: TestUser;
  let lee: TestUser;
  let person: Person;
  let directId = 0;

  beforeAll(async () => {
    kim = await signUp(e2e.server.url, { username: "kim", firstName: "Kim", lastName: "Park" });
    lee = await signUp(e2e.server.url, { username: "lee", firstName: "Lee", lastName: "Chan" });
    const first = await lee.trpc.history.send.mutate({ to: { userId: kim.user.id }, body: "Hi Kim", clientId: "c-1" });
    directId = first.conversationId;
    person = await newPerson(e2e.browser, e2e.server.url);
  }, 60_000);

  const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const cachedPaths = (page: Page) =>
    page.evaluate(async () => {
      const paths: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
      }
      return paths.sort();
    });

  test("the manifest names the app and has installable icons; the worker controls the page", async () => {
    const { page } = person;
    await page.goto("/login");
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const manifest = (await (await fetch(`${e2e.server.url}${href}`)).json()) as {
      name: string;
      display: string;
      start_url: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({ name: "Parley", display: "standalone", start_url: "/" });
    for (const size of ["192x192", "512x512"]) {
      const icon = manifest.icons.find((i) => i.sizes === size && i.type === "image/png" && !i.purpose);
      expect(icon).toBeDefined();
      const response = await fetch(`${e2e.server.url}${icon?.src}`);
      expect(response.headers.get("content-type")).toBe("image/png");
    }
    expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
    await controlled(page);
  });

  test("after signing in and chatting, the cache holds only the app shell", async () => {
    const { page } = person;
    await page.getByLabel("Username").fill("kim");
    await page.getByLabel("Password").fill(kim.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
    await page.goto(`/c/${directId}`);
    await page.getByRole("log").getByText("Hi Kim").waitFor();
    const paths = await cachedPaths(page);
    expect(paths.length).toBeGreaterThan(3);
    for (const path of paths) expect(path === "/" || /^\/(assets\/[\w.-]+|[\w.-]+)$/.test(path)).toBe(true);
    expect(paths.some((path) => /^\/(api|trpc|ws)/.test(path))).toBe(false);
  });

  test("offline, a reload opens the shell, says so, and keeps the message written meanwhile", async () => {
    const { page, context } = person;
    await context.setOffline(true);
    const box = page.getByRole("textbox", { name: "Message Lee Chan" });
    await box.fill("Written on the train");
    await box.press("Enter");
    await page.getByRole("log").getByText("Written on the train").waitFor();

    await page.reload();
    await page.getByText("You are offline. Parley opens when the connection is back").waitFor();

    await context.setOffline(false);
    await page.getByRole("heading", { name: "Lee Chan", level: 1 }).waitFor();
    // Sent once the network is back: Lee's history has it.
    const deadline = Date.now() + 10_000;
    let bodies: string[] = [];
    while (Date.now() < deadline) {
      const page = await lee.trpc.history.messages.query({ conversationId: directId });
      bodies = page.items.map((m) => m.body);
      if (bodies.includes("Written on the train")) break;
      await Bun.sleep(100);
    }
    expect(bodies).toContain("Written on the train");
  });

  test("a new deploy's worker is offered with a reload prompt, and takes over on Reload", async () => {
    const { page } = person;
    const original = readFileSync(SERVICE_WORKER, "utf8");
    try {
      // A deploy is a new sw.js (its shell list changes with every build).
      writeFileSync(SERVICE_WORKER, `${original}\n// the next deploy\n`);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      const prompt = page.getByRole("status").filter({ hasText: "A new version of Parley is ready." });
      await prompt.waitFor();
      const reloaded = page.waitForEvent("load");
      await prompt.getByRole("button", { name: "Reload" }).click();
      await reloaded;
      await page.getByRole("heading", { name: "Lee Chan", level: 1 }).waitFor();
      expect(await prompt.count()).toBe(0);
    } finally {
      writeFileSync(SERVICE_WORKER, original);
    }
  });
});
