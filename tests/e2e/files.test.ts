// Files in the browser, for two people in a room: Ada attaches an image and a PDF with the
// attach button, Bob sees the thumbnail and the chip live, opens the image in the viewer
// (keyboard: Esc closes, the focus comes back) and downloads the PDF; a paste and a drop
// attach files too; a file over MAX_UPLOAD is refused with the sentence before it is
// sent; a failed upload says so and is retried; deleting the message removes the file.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { seriousViolations } from "../helpers/axe.ts";
import { openConversationAs, type Person } from "../helpers/browser.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser } from "../helpers/e2e.ts";
import { png } from "../helpers/files.ts";

forEachDatabase(() => {
  const MAX_UPLOAD = 300_000;
  const e2e = serverAndBrowser({ MAX_UPLOAD: String(MAX_UPLOAD) });
  let roomId: number;
  let ada: Person;
  let bob: Person;

  const PDF = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

  const openRoomAs = (user: TestUser): Promise<Person> =>
    openConversationAs(e2e.browser, e2e.server.url, user.token, roomId, "design-review");

  const log = (page: Page) => page.getByRole("log");
  const uploads = (page: Page) => page.getByRole("list", { name: "Files to send" });
  const box = (page: Page) => page.getByRole("textbox", { name: /^Message / });

  /** Files handed to the page as a paste or a drop carries them (a DataTransfer of Files). */
  async function dispatchFiles(
    page: Page,
    kind: "paste" | "drop",
    files: { name: string; type: string; base64: string }[],
  ) {
    await page.evaluate(
      ({ kind, files }) => {
        const data = new DataTransfer();
        for (const f of files) {
          const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
          data.items.add(new File([bytes], f.name, { type: f.type }));
        }
        if (kind === "paste") {
          const input = document.getElementById("composer-input") as HTMLTextAreaElement;
          input.focus();
          input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
        } else {
          const target = document.querySelector(".messages") as HTMLElement;
          for (const type of ["dragenter", "dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
          }
        }
      },
      { kind, files },
    );
  }

  beforeAll(async () => {
    const [adaUser, bobUser] = await Promise.all([
      signUp(e2e.server.url, { username: "ada", firstName: "Ada", lastName: "Lovelace" }),
      signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" }),
    ]);
    roomId = (await adaUser.trpc.rooms.create.mutate({ name: "design-review" })).id;
    await bobUser.trpc.rooms.join.mutate({ id: roomId });
    ada = await openRoomAs(adaUser);
    bob = await openRoomAs(bobUser);
  }, 90_000);

  test("an image and a PDF by the attach button: Bob sees both live, views the image, downloads the PDF", async () => {
    const image = Buffer.from(await png(400, 200, "#2a6"));
    const chooser = ada.page.waitForEvent("filechooser");
    await ada.page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([
      { name: "mockup.png", mimeType: "image/png", buffer: image },
      { name: "report.pdf", mimeType: "application/pdf", buffer: Buffer.from(PDF) },
    ]);
    await uploads(ada.page).getByText("Ready to send").nth(1).waitFor();
    expect(await seriousViolations(ada.page)).toEqual([]);
    await box(ada.page).fill("the new layout");
    await box(ada.page).press("Enter");
    await uploads(ada.page).waitFor({ state: "detached" });

    // Bob: the thumbnail at its real aspect ratio (reserved before it loads), and the chip.
    const thumbnail = log(bob.page).getByRole("button", { name: "Open the image mockup.png" });
    await thumbnail.waitFor();
    const img = thumbnail.locator("img");
    expect([await img.getAttribute("width"), await img.getAttribute("height")]).toEqual(["320", "160"]);
    await bob.page.waitForFunction(
      () => (document.querySelector(".attachment-image img") as HTMLImageElement | null)?.naturalWidth === 400,
    );
    const chip = log(bob.page).getByRole("link", { name: /^Download report\.pdf \(PDF · \d+ bytes\)$/ });
    await chip.waitFor();
    await log(bob.page).getByText("the new layout").waitFor();

    // The viewer: opened by keyboard, the full image, Esc closes and the focus returns.
    await thumbnail.focus();
    await bob.page.keyboard.press("Enter");
    const viewer = bob.page.getByRole("dialog", { name: "mockup.png" });
    await viewer.waitFor();
    await bob.page.waitForFunction(
      () => (document.querySelector(".image-viewer-image") as HTMLImageElement | null)?.naturalHeight === 200,
    );
    expect(await seriousViolations(bob.page)).toEqual([]);
    await bob.page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });
    expect(await thumbnail.evaluate((element) => element === document.activeElement)).toBe(true);

    const download = bob.page.waitForEvent("download");
    await chip.click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("report.pdf");
    expect(readFileSync((await file.path()) as string, "utf8")).toBe(PDF);
  }, 60_000);

  test("a pasted screenshot and a dropped file are attached; files alone make a message", async () => {
    const shot = Buffer.from(await png(120, 90, "#36c")).toString("base64");
    await dispatchFiles(ada.page, "paste", [{ name: "image.png", type: "image/png", base64: shot }]);
    await dispatchFiles(ada.page, "drop", [
      { name: "notes.txt", type: "text/plain", base64: Buffer.from("plain notes").toString("base64") },
    ]);
    await uploads(ada.page).getByText("Ready to send").nth(1).waitFor();
    await uploads(ada.page)
      .getByText(/^pasted-.*\.png$/)
      .waitFor();
    await box(ada.page).press("Enter");
    await log(bob.page)
      .getByRole("button", { name: /^Open the image pasted-.*\.png$/ })
      .waitFor();
    await log(bob.page)
      .getByRole("link", { name: /^Download notes\.txt \(TXT · 11 bytes\)$/ })
      .waitFor();
  }, 60_000);

  test("a file over MAX_UPLOAD is refused with a sentence before it is sent", async () => {
    let posted = 0;
    ada.page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/api/files")) posted++;
    });
    const chooser = ada.page.waitForEvent("filechooser");
    await ada.page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([
      { name: "video.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(MAX_UPLOAD + 1) },
    ]);
    await uploads(ada.page)
      .getByRole("alert")
      .getByText("“video.bin” is larger than 300 kB, the most one file may be.")
      .waitFor();
    expect(posted).toBe(0);
    await uploads(ada.page).getByRole("button", { name: "Remove video.bin" }).click();
    await uploads(ada.page).waitFor({ state: "detached" });
  }, 60_000);

  test("a failed upload says so and is retried", async () => {
    await ada.page.route("**/api/files", (route) => route.abort("connectionreset"));
    const chooser = ada.page.waitForEvent("filechooser");
    await ada.page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles([{ name: "plan.pdf", mimeType: "application/pdf", buffer: Buffer.from(PDF) }]);
    await uploads(ada.page).getByText("“plan.pdf” could not be uploaded.").waitFor();
    // Sending now is refused with a sentence, not lost.
    await box(ada.page).fill("the plan");
    await box(ada.page).press("Enter");
    await ada.page.getByText("A file could not be uploaded: retry it or remove it.").waitFor();
    await ada.page.unroute("**/api/files");
    await uploads(ada.page).getByRole("button", { name: "Retry" }).click();
    await uploads(ada.page).getByText("Ready to send").waitFor();
    await box(ada.page).press("Enter");
    await log(bob.page)
      .getByRole("link", { name: /^Download plan\.pdf/ })
      .waitFor();
  }, 60_000);

  test("deleting the message removes its file: 404 after", async () => {
    const chip = log(bob.page).getByRole("link", { name: /^Download report\.pdf/ });
    const href = (await chip.getAttribute("href")) as string;
    expect((await bob.context.request.get(href)).status()).toBe(200);

    const message = log(ada.page).locator(".message", { hasText: "the new layout" });
    await message.hover();
    await message.getByRole("button", { name: "Delete" }).click();
    await ada.page
      .getByRole("dialog", { name: "Delete this message?" })
      .getByRole("button", { name: "Delete" })
      .click();
    await log(bob.page).getByText("This message was deleted").waitFor();
    await chip.waitFor({ state: "detached" });
    expect((await bob.context.request.get(href)).status()).toBe(404);
    expect((await ada.context.request.get(href)).status()).toBe(404);
  }, 60_000);
});
