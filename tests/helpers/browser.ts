// A real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a web bundle
// built once when it is missing or stale. No browser is ever downloaded.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page, type WebSocketRoute } from "playwright-core";
import { ensureWebBundle } from "../../scripts/web-bundle.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Bound for every wait on the page. */
export const UI_TIMEOUT_MS = 10_000;

/** Bound for a navigation (goto, reload). */
const NAVIGATION_TIMEOUT_MS = 30_000;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the end-to-end tests need it. ` +
        "Install it with `apt-get install -y chromium` (Debian/Ubuntu).",
    );
  }
  await ensureWebBundle({ quiet: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export type Person = { context: BrowserContext; page: Page; errors: string[] };

/** A browser context (one person: own cookies) with one page, collecting page errors. */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
  options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark"; locale?: string } = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    // The page's language follows the browser's: English unless a test asks for another.
    locale: options.locale ?? "en-US",
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? "light",
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  // A page load (the app's bundle, its first answers) gets longer than a wait on the page:
  // on two cores shared with other browser tests it has taken more than 10 s.
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

/**
 * Someone signed up through the API, in a browser of their own with their session cookie
 * (as a login leaves it), on a conversation: waits for its title.
 */
export async function openConversationAs(
  browser: Browser,
  baseUrl: string,
  token: string,
  conversationId: number,
  title: string,
): Promise<Person> {
  const person = await newPerson(browser, baseUrl);
  await person.context.addCookies([{ name: "session", value: token, url: baseUrl }]);
  await person.context.addInitScript(() => localStorage.setItem("parley.signedIn", "1"));
  await person.page.goto(`/c/${conversationId}`, { waitUntil: "domcontentloaded", timeout: 30_000 });
  await person.page.getByRole("heading", { name: title, level: 1 }).waitFor();
  return person;
}

export type SignupFields = { firstName: string; lastName: string; username: string; email?: string; password?: string };

/** Signs up through the form, as a person would, and waits for the conversation list. */
export async function signUpInBrowser(page: Page, fields: SignupFields) {
  await page.goto("/signup");
  await page.getByLabel("First name").fill(fields.firstName);
  await page.getByLabel("Last name").fill(fields.lastName);
  await page.getByLabel("Username").fill(fields.username);
  await page.getByLabel("Email").fill(fields.email ?? `${fields.username}@example.com`);
  await page.getByLabel("Password").fill(fields.password ?? "correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Conversations" }).waitFor();
}

/** Opens People, searches for someone and opens the direct conversation with them. */
export async function openDirectWith(page: Page, search: string, name: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await page.getByLabel("Search people").fill(search);
  // The row reads "Name @username Message", as it shows.
  await page.getByRole("button", { name: new RegExp(`${name} @`) }).click();
  await page.getByRole("heading", { name, level: 1 }).waitFor();
}

/** Types a message in the open conversation and sends it with Enter. */
export async function sendMessage(page: Page, text: string) {
  const box = page.getByRole("textbox", { name: /^Message / });
  await box.fill(text);
  await box.press("Enter");
}

/**
 * Routes the page's sockets (opened from now on) through a switch. `cut()` closes the open
 * one and refuses new ones, so the app sends over HTTP, where a test can drop or hold
 * requests. `dropSends()` keeps sockets up but loses every `send` frame on the way, as a
 * network would (the app falls back to HTTP after its wait). `restore()` undoes either.
 */
export async function socketSwitch(page: Page) {
  let mode: "pass" | "cut" | "dropSends" = "pass";
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/ws$/, (socket) => {
    if (mode === "cut") return void socket.close();
    const server = socket.connectToServer();
    socket.onMessage((frame) => {
      if (mode === "dropSends" && typeof frame === "string" && frame.includes('"type":"send"')) return;
      server.send(frame);
    });
    open.add(socket);
    socket.onClose(() => open.delete(socket));
  });
  return {
    async cut() {
      mode = "cut";
      for (const socket of [...open]) await socket.close();
      open.clear();
    },
    dropSends() {
      mode = "dropSends";
    },
    restore() {
      mode = "pass";
    },
  };
}
