// `bun scripts/screenshots.ts`: starts a seeded Parley on a free port and photographs each
// screen with Chromium at 1280×800 and 390×844 (light, and dark for a few; English, and
// German for the main ones) into
// docs/screenshots/. Seeding goes through the public API, with a clock that starts a day
// back so that the history spans "Yesterday" and "Today". Debian needs
// fonts-noto-color-emoji for the emoji to show, and pngquant to shrink the files.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { loadConfig } from "../src/config.ts";
import { sqliteOf } from "../src/db/client.ts";
import { startServer } from "../src/server.ts";
import type { AuthResult } from "../src/shared/api.ts";
import type { AppRouter } from "../src/trpc/router.ts";
import { launchBrowser, newPerson } from "../tests/helpers/browser.ts";

const OUT = join(import.meta.dir, "..", "docs", "screenshots");
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = "correct horse battery";

const HOUR = 3_600_000;
let now = Date.now() - 26 * HOUR;
const clock = { now: () => now };

const dir = mkdtempSync(join(tmpdir(), "parley-screenshots-"));
const config = loadConfig({
  NODE_ENV: "development",
  HOST: "127.0.0.1",
  PORT: "0",
  DATABASE_PATH: join(dir, "parley.db"),
  LOG_LEVEL: "silent",
  SEND_RATE: "0",
  SIGNUP_LIMIT: "0",
});
const server = await startServer(config, { clock });

type Seeded = { id: number; username: string; token: string; trpc: ReturnType<typeof client> };

function client(token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

async function signUp(username: string, firstName: string, lastName: string): Promise<Seeded> {
  const response = await fetch(`${server.url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, firstName, lastName, email: `${username}@example.com`, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`signup ${username}: ${response.status} ${await response.text()}`);
  const { user, token } = (await response.json()) as AuthResult;
  return { id: user.id, username, token, trpc: client(token) };
}

async function say(from: Seeded, to: { userId: number } | { conversationId: number }, body: string, minutes = 2) {
  now += minutes * 60_000;
  return from.trpc.history.send.mutate({ to, body });
}

/** Palette-quantises the PNGs with pngquant when it is installed (about 3× smaller). */
function shrink() {
  if (Bun.spawnSync(["sh", "-c", "command -v pngquant"]).exitCode !== 0) {
    console.log("pngquant not found: screenshots left uncompressed (apt-get install -y pngquant)");
    return;
  }
  const files = [...new Bun.Glob("*.png").scanSync(OUT)].map((name) => join(OUT, name));
  Bun.spawnSync(["pngquant", "--quality=70-90", "--speed", "1", "--force", "--ext", ".png", ...files]);
}

try {
  const ada = await signUp("ada", "Ada", "Lovelace");
  const grace = await signUp("grace", "Grace", "Hopper");
  const alan = await signUp("alan", "Alan", "Turing");
  const katherine = await signUp("katherine", "Katherine", "Johnson");
  const edsger = await signUp("edsger", "Edsger", "Dijkstra");
  const barbara = await signUp("barbara", "Barbara", "Liskov");
  for (const name of ["linus", "margaret", "donald", "radia", "ken", "frances", "john", "hedy"]) {
    await signUp(name, name[0]?.toUpperCase() + name.slice(1), "Example");
  }
  sqliteOf(server.deps.database).run("update users set is_admin = 1 where username = 'ada'");

  // Yesterday.
  const first = await say(grace, { userId: ada.id }, "Ada, did you get a chance to look at the compiler notes?");
  const dm = { conversationId: first.conversationId };
  await say(ada, dm, "Yes! The section on loops is brilliant.");
  await say(ada, dm, "I left a few comments in the margins.", 1);
  await say(grace, dm, "Thank you. I will go through them tonight.", 6);

  const general = await ada.trpc.rooms.create.mutate({ name: "general" });
  const design = await grace.trpc.rooms.create.mutate({ name: "design-reviews" });
  await alan.trpc.rooms.create.mutate({ name: "machine-learning" });
  for (const person of [grace, alan, katherine, edsger]) await person.trpc.rooms.join.mutate({ id: general.id });
  await katherine.trpc.rooms.join.mutate({ id: design.id });
  await say(alan, { conversationId: general.id }, "Morning everyone ☕", 30);
  await say(katherine, { conversationId: general.id }, "Morning! Launch window review at 10.", 3);

  // Today.
  now = Date.now() - 2 * HOUR;
  await say(grace, dm, "Read them all: the loop example finally makes sense to me.");
  await say(ada, dm, "Wonderful. Shall we write it up for the team?");
  await say(grace, dm, "Yes. Draft here: https://example.com/notes/loops — edit freely.", 4);
  await say(grace, dm, "And a reminder that <b>markup</b> stays text.", 1);
  await say(edsger, { conversationId: general.id }, "Reminder: the goto discussion is tomorrow.", 20);
  await say(alan, { conversationId: general.id }, "I'll bring the paper. Can a machine think? We'll see.", 2);
  await say(katherine, { conversationId: general.id }, "Trajectory numbers checked twice ✔", 1);
  await say(katherine, { userId: ada.id }, "Lunch on Thursday?", 5);
  await say(barbara, { userId: ada.id }, "Your substitution principle question: yes, it applies there too.", 3);
  now = Date.now();

  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  const camera = createCamera(browser);
  const { shoot } = camera;

  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    const anonymous = await newPerson(browser, server.url, { viewport });
    await anonymous.page.goto("/login");
    await anonymous.page.getByRole("button", { name: "Log in" }).waitFor();
    await shoot(anonymous.page, `login-${label}`);
    await anonymous.page.goto("/signup");
    await anonymous.page.getByLabel("First name").fill("Mary");
    await anonymous.page.getByLabel("Username").fill("ada");
    await anonymous.page.getByLabel("Email").fill("not-an-email");
    await anonymous.page.getByLabel("Password").fill("short");
    await anonymous.page.getByRole("button", { name: "Create account" }).click();
    await anonymous.page.getByText("Please fix the fields marked below.").waitFor();
    await shoot(anonymous.page, `signup-errors-${label}`);
    await anonymous.context.close();
  }

  await camera.asAda(
    async ({ page, scheme }) => {
      await page.getByRole("link", { name: /Grace Hopper/ }).click();
      await page.getByRole("log").getByText("edit freely", { exact: false }).waitFor();
      await shoot(page, `conversation-desktop-${scheme}`);
      if (scheme === "light") {
        await page.getByRole("link", { name: /general/ }).click();
        await page.getByRole("log").getByText("Trajectory numbers", { exact: false }).waitFor();
        await page.getByRole("log").getByText("Alan Turing").first().waitFor();
        await shoot(page, "room-desktop-light");
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
        await page.getByRole("button", { name: /Grace Hopper @/ }).waitFor();
        await shoot(page, "people-desktop-light");
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rooms" }).click();
        await page.getByRole("button", { name: "Join machine-learning" }).waitFor();
        await shoot(page, "rooms-desktop-light");
      }
    },
    { sizes: ["desktop"] },
  );

  await camera.asAda(
    async ({ page, scheme }) => {
      await page.getByRole("link", { name: /Grace Hopper/ }).waitFor();
      await shoot(page, `conversations-phone-${scheme}`);
      await page.getByRole("link", { name: /Grace Hopper/ }).click();
      await page.getByRole("log").getByText("edit freely", { exact: false }).waitFor();
      await shoot(page, `conversation-phone-${scheme}`);
      if (scheme === "light") {
        await page.goto("/people");
        await page.getByRole("button", { name: /Grace Hopper @/ }).waitFor();
        await shoot(page, "people-phone-light");
        await page.goto("/rooms");
        await page.getByRole("button", { name: "Join machine-learning" }).waitFor();
        await shoot(page, "rooms-phone-light");
      }
    },
    { sizes: ["phone"] },
  );
  // German: the same screens in the other catalogue (the browser asks for German).
  const logInGerman = async (page: Page, username: string) => {
    await page.goto("/login");
    await page.getByLabel("Benutzername").fill(username);
    await page.getByLabel("Passwort").fill(PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.getByRole("heading", { name: "Unterhaltungen" }).waitFor();
  };
  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    for (const scheme of ["light", "dark"] as const) {
      const { page, context } = await newPerson(browser, server.url, {
        viewport,
        colorScheme: scheme,
        locale: "de-DE",
      });
      if (scheme === "light") {
        await page.goto("/login");
        await page.getByRole("button", { name: "Anmelden" }).waitFor();
        await shoot(page, `login-${label}-de`);
      }
      await logInGerman(page, "ada");
      await page.getByRole("link", { name: /Grace Hopper/ }).click();
      await page.getByRole("log").getByText("edit freely", { exact: false }).waitFor();
      await shoot(page, `conversation-${label}-${scheme}-de`);
      if (scheme === "light") {
        await page.goto("/rooms");
        await page.getByRole("button", { name: "machine-learning beitreten" }).waitFor();
        await shoot(page, `rooms-${label}-light-de`);
      }
      await context.close();
    }
  }

  // The shortcut list (press ?), wide, light and dark.
  await camera.asAda(
    async ({ page, scheme }) => {
      await page.getByRole("link", { name: /Grace Hopper/ }).click();
      await page.getByRole("log").getByText("edit freely", { exact: false }).waitFor();
      await page.getByRole("log").focus();
      await page.keyboard.press("?");
      await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
      await shoot(page, `shortcuts-desktop-${scheme}`);
    },
    { sizes: ["desktop"] },
  );

  // Search (Ctrl+K or the sidebar's button): message results with highlights, and the
  // quick switcher, wide and phone, light and dark.
  await camera.asAda(async ({ page, label, scheme }) => {
    const dialog = page.getByRole("dialog", { name: "Search" });
    await page.getByRole("button", { name: "Search" }).click();
    await page.keyboard.type("loop");
    await dialog.locator("mark").first().waitFor();
    await page.keyboard.press("ArrowDown");
    await shoot(page, `search-${label}-${scheme}`);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+k");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("gr");
    await dialog
      .getByRole("listbox")
      .getByRole("option", { name: /Grace Hopper/ })
      .first()
      .waitFor();
    await shoot(page, `switcher-${label}-${scheme}`);
  });

  // Settings (profile, password, signed-in devices), wide and phone, light and dark. Ada
  // has a second device signed in so that the list has one to log out.
  await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Mobile/15E148 Safari/604.1",
    },
    body: JSON.stringify({ username: "ada", password: PASSWORD }),
  });
  await camera.asAda(async ({ page, label, scheme }) => {
    await page.goto("/settings");
    await page.getByRole("button", { name: "Log out Safari on iOS" }).waitFor();
    await shoot(page, `settings-${label}-${scheme}`);
  });

  await shootFiles(camera, { ada, grace, katherine, roomId: design.id });
  await shootMembers(camera, { ada, grace, roomId: general.id });
  await shootAdmin(camera, { ada, grace, edsger, katherine });
  await shootAccounts(camera, { ada, grace, katherine, alan, roomId: general.id });
  await shootMessages(camera, { ada, grace, katherine });

  await browser.close();
  shrink();
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

type Size = "desktop" | "phone";
type Scheme = "light" | "dark";

/** A look at the app: one browser context of one size and colour scheme, signed in. */
type Look = { page: Page; context: BrowserContext; label: Size; scheme: Scheme };
type Camera = ReturnType<typeof createCamera>;

/** Takes the pictures: `shoot` one page; `asAda` a set of looks (wide and phone, light and dark). */
function createCamera(browser: Browser) {
  // Here, not at the top level: the script runs before the module's later constants exist.
  const sizes = { desktop: DESKTOP, phone: PHONE } as const;
  const shoot = async (page: Page, name: string) => {
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(OUT, `${name}.png`), type: "png" });
    console.log(`docs/screenshots/${name}.png`);
  };
  const logIn = async (page: Page, username: string) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Conversations" }).waitFor();
  };
  /** `shots` once per size and scheme asked (all four by default), each in a fresh context signed in as Ada. */
  const asAda = async (shots: (look: Look) => Promise<void>, looks: { sizes?: Size[]; schemes?: Scheme[] } = {}) => {
    for (const label of looks.sizes ?? (["desktop", "phone"] as const)) {
      for (const scheme of looks.schemes ?? (["light", "dark"] as const)) {
        const { page, context } = await newPerson(browser, server.url, { viewport: sizes[label], colorScheme: scheme });
        await logIn(page, "ada");
        await shots({ page, context, label, scheme });
        await context.close();
      }
    }
  };
  return { shoot, logIn, asAda };
}

/**
 * Files (issue 16): an image and a PDF in a room, and an upload in progress (the upload
 * throttled through Chromium's network emulation), wide and phone, light and dark.
 */
async function shootFiles(camera: Camera, people: { ada: Seeded; grace: Seeded; katherine: Seeded; roomId: number }) {
  const { default: sharp } = await import("sharp");
  const { ada, grace, katherine, roomId } = people;
  await ada.trpc.rooms.join.mutate({ id: roomId });
  const picture = await sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">
        <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stop-color="#1e3a8a"/><stop offset="1" stop-color="#f59e0b"/></linearGradient></defs>
        <rect width="1200" height="800" fill="url(#sky)"/>
        <circle cx="860" cy="520" r="120" fill="#fde68a"/>
        <path d="M0 640 L260 420 L470 600 L700 380 L1000 640 L1200 520 L1200 800 L0 800 Z" fill="#0f172a"/>
      </svg>`,
    ),
  )
    .jpeg({ quality: 85 })
    .toBuffer();
  const upload = async (who: Seeded, bytes: BodyInit, name: string) => {
    const response = await fetch(`${server.url}/api/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.token}`, "x-file-name": encodeURIComponent(name), origin: server.url },
      body: bytes,
    });
    if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: number }).id;
  };
  const pdf = `%PDF-1.4\n1 0 obj <<>> endobj\n${"% launch window notes\n".repeat(4000)}trailer <<>>\n%%EOF\n`;
  const photoId = await upload(katherine, new Uint8Array(picture), "launch-window.jpg");
  const pdfId = await upload(katherine, pdf, "Trajectory review.pdf");
  await katherine.trpc.history.send.mutate({
    to: { conversationId: roomId },
    body: "Sunset over the pad, and the review notes for tomorrow.",
    attachmentIds: [photoId, pdfId],
  });
  await grace.trpc.history.send.mutate({ to: { conversationId: roomId }, body: "Beautiful. Reading the notes now." });

  await camera.asAda(async ({ page, context, label, scheme }) => {
    await page.goto(`/c/${roomId}`);
    const log = page.getByRole("log");
    await log.getByRole("link", { name: /^Download Trajectory review\.pdf/ }).waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>(".attachment-image img")].every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    await camera.shoot(page, `files-${label}-${scheme}`);

    // An upload on a slow line: the progress bar part-way, with Cancel.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 50,
      downloadThroughput: 1_000_000,
      uploadThroughput: 60_000,
    });
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([
      { name: "flight-plan.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf.repeat(4)) },
    ]);
    await page.getByRole("textbox", { name: /^Message / }).fill("Here is the flight plan");
    await page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>(".upload-progress progress");
      return bar !== null && bar.value > 0.3;
    });
    await camera.shoot(page, `upload-progress-${label}-${scheme}`);
    await page.getByRole("button", { name: "Cancel the upload of flight-plan.pdf" }).click();
  });
}

/**
 * A room's member list (issue 15), as its owner sees it: roles, presence, the buttons a
 * role allows, invitation and settings; with the room's header (topic) behind it. Wide and
 * phone, light and dark.
 */
async function shootMembers(camera: Camera, people: { ada: Seeded; grace: Seeded; roomId: number }) {
  const { ada, grace, roomId } = people;
  await ada.trpc.rooms.setRole.mutate({ id: roomId, userId: grace.id, role: "moderator" });
  await ada.trpc.rooms.setTopic.mutate({ id: roomId, topic: "Launch plans, the goto debate, and coffee" });
  await camera.asAda(async ({ page, label, scheme }) => {
    await page.goto(`/c/${roomId}`);
    await page.getByRole("log").getByText("Trajectory numbers", { exact: false }).waitFor();
    await page.getByRole("button", { name: /^Show members/ }).click();
    const dialog = page.getByRole("dialog", { name: "Members of general" });
    await dialog
      .getByRole("listitem")
      .filter({ hasText: "Grace Hopper" })
      .getByText("Moderator", { exact: true })
      .waitFor();
    await dialog.getByRole("button", { name: "Make moderator" }).first().waitFor();
    await camera.shoot(page, `members-${label}-${scheme}`);
  });
}

/**
 * The admin page (issue 15): people with their buttons (one deactivated, one an admin), then
 * the activity log as sentences; wide and phone, light and dark.
 */
async function shootAdmin(camera: Camera, people: { ada: Seeded; grace: Seeded; edsger: Seeded; katherine: Seeded }) {
  const { ada, grace, edsger, katherine } = people;
  await ada.trpc.admin.setAdmin.mutate({ userId: grace.id, admin: true });
  await ada.trpc.admin.setActive.mutate({
    userId: edsger.id,
    active: false,
    reason: "Posted the same link forty times in general",
  });
  await ada.trpc.admin.createResetLink.mutate({ userId: katherine.id });
  await camera.asAda(async ({ page, label, scheme }) => {
    await page.goto("/admin");
    await page.getByRole("button", { name: "Reactivate edsger" }).waitFor();
    await page.getByRole("cell", { name: /deactivated Edsger Dijkstra/ }).waitFor();
    await camera.shoot(page, `admin-${label}-${scheme}`);
    await page.getByRole("heading", { name: "Activity" }).evaluate((heading) => heading.scrollIntoView());
    await camera.shoot(page, `admin-activity-${label}-${scheme}`);
  });
}

/**
 * Accounts (issue 15): pictures instead of initials (the settings' Picture section, a room
 * with pictures in its run heads and a blocked person's message folded), and the blocked
 * list in settings; wide and phone, light and dark.
 */
async function shootAccounts(
  camera: Camera,
  people: { ada: Seeded; grace: Seeded; katherine: Seeded; alan: Seeded; roomId: number },
) {
  const { default: sharp } = await import("sharp");
  const { ada, grace, katherine, alan, roomId } = people;
  // A simple portrait: a head and shoulders on a coloured ground.
  const portrait = (ground: string, skin: string, hair: string) =>
    sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
          <rect width="600" height="400" fill="${ground}"/>
          <ellipse cx="300" cy="430" rx="150" ry="110" fill="${hair}"/>
          <circle cx="300" cy="190" r="95" fill="${skin}"/>
          <path d="M205 180 Q300 60 395 180 Q380 110 300 100 Q220 110 205 180 Z" fill="${hair}"/>
        </svg>`,
      ),
    )
      .png()
      .toBuffer();
  const setAvatar = async (who: Seeded, bytes: Buffer) => {
    const response = await fetch(`${server.url}/api/avatar`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.token}`, origin: server.url },
      body: new Uint8Array(bytes),
    });
    if (response.status !== 200) throw new Error(`avatar ${who.username}: ${response.status} ${await response.text()}`);
  };
  await setAvatar(ada, await portrait("#c7d2fe", "#f1c9a5", "#3b2417"));
  await setAvatar(grace, await portrait("#bbf7d0", "#e0ac85", "#6b7280"));
  await setAvatar(katherine, await portrait("#fde68a", "#8d5524", "#111827"));
  await ada.trpc.account.block.mutate({ userId: alan.id });
  await say(katherine, { conversationId: roomId }, "Pictures are up: you can tell who is talking at a glance.", 1);
  await say(alan, { conversationId: roomId }, "A machine could have drawn those.", 1);
  await say(grace, { conversationId: roomId }, "Looks good to me 👍", 1);

  const picturesLoaded = (page: Page) =>
    page.waitForFunction(() =>
      // Those on screen (lazy ones further down load when scrolled to).
      [...document.querySelectorAll<HTMLImageElement>(".avatar img")]
        .filter((img) => {
          const box = img.getBoundingClientRect();
          return box.width > 0 && box.bottom > 0 && box.top < innerHeight;
        })
        .every((img) => img.complete && img.naturalWidth > 0),
    );
  await camera.asAda(async ({ page, label, scheme }) => {
    await page.goto("/settings");
    await page.getByRole("button", { name: "Remove picture" }).waitFor();
    await page.locator("#avatar-title").scrollIntoViewIfNeeded();
    await picturesLoaded(page);
    await camera.shoot(page, `profile-avatar-${label}-${scheme}`);
    await page.locator(".blocked-list").getByText("Alan Turing").waitFor();
    await page.locator("#blocked-title").evaluate((title) => {
      title.scrollIntoView({ block: "start" });
      // Only the settings pane scrolls: the window itself stays where it was.
      document.scrollingElement?.scrollTo(0, 0);
    });
    await picturesLoaded(page);
    await camera.shoot(page, `settings-blocked-${label}-${scheme}`);

    await page.goto(`/c/${roomId}`);
    await page.getByRole("log").getByText("Message from a blocked person").first().waitFor();
    await picturesLoaded(page);
    await camera.shoot(page, `room-avatars-${label}-${scheme}`);
  });
}

/**
 * Messages (issue 14): a room with a code block, a reply, reactions and a mention of the
 * reader, its actions shown on hover (wide); and the mention autocomplete in the message
 * box; wide and phone, light and dark.
 */
async function shootMessages(camera: Camera, people: { ada: Seeded; grace: Seeded; katherine: Seeded }) {
  const { ada, grace, katherine } = people;
  const room = await grace.trpc.rooms.create.mutate({ name: "flight-software" });
  for (const member of [ada, katherine]) await member.trpc.rooms.join.mutate({ id: room.id });
  const say = (who: Seeded, body: string, replyTo?: number) =>
    who.trpc.history.send.mutate({ to: { conversationId: room.id }, body, ...(replyTo ? { replyTo } : {}) });
  const question = await say(katherine, "Which loop do we keep for the **guidance** update?");
  await say(
    grace,
    "This one, with the bound checked first:\n```\nfor (let step = 0; step < steps; step += 1) {\n  if (drift(step) > limit) break;\n  correct(step);\n}\n```",
  );
  const answer = await say(ada, "Agreed, the bound first. *Much* easier to read.", question.id);
  await grace.trpc.history.react.mutate({ id: answer.id, emoji: "👍", on: true });
  await katherine.trpc.history.react.mutate({ id: answer.id, emoji: "👍", on: true });
  await katherine.trpc.history.react.mutate({ id: answer.id, emoji: "🚀", on: true });
  await say(katherine, `<@${ada.id}> can you check the ~~old~~ new numbers before Friday?`);

  await camera.asAda(async ({ page, label, scheme }) => {
    await page.goto(`/c/${room.id}`);
    const log = page.getByRole("log");
    await log.getByText("new numbers", { exact: false }).waitFor();
    await log.locator(".message", { hasText: "Much" }).getByRole("button", { name: /^👍/ }).waitFor();
    if (label === "desktop") {
      // The actions of Ada's reply, as a pointer over it shows them.
      await log.locator(".message", { hasText: "Much" }).hover();
      await log.getByRole("toolbar", { name: "Message actions" }).first().waitFor();
    }
    await camera.shoot(page, `messages-${label}-${scheme}`);
    const box = page.getByRole("textbox", { name: /^Message / });
    await box.click();
    await page.keyboard.type("Thanks @");
    await page.getByRole("listbox").getByRole("option").first().waitFor();
    await camera.shoot(page, `mention-autocomplete-${label}-${scheme}`);
  });
}
