// `bun scripts/web-perf.ts [messages] [live samples]`: measures the web client in Chromium against a
// real server: the render of the first page of a conversation, the render of older pages,
// and scrolling through a conversation of 5,000 loaded messages (frame times while the
// list scrolls from the newest to the oldest message), and live messages arriving into it
// (median and p95 of many). Prints a small table; not a test.
import { sendMessage } from "../src/chat/messages.ts";
import { launchBrowser, newPerson } from "../tests/helpers/browser.ts";
import { signUp } from "../tests/helpers/client.ts";
import { startTestServer } from "../tests/helpers/server.ts";

const COUNT = Number(process.argv[2] ?? 5000);
const LIVE_SAMPLES = Number(process.argv[3] ?? 50);
const PASSWORD = "correct horse battery";

const server = await startTestServer();

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

try {
  const { user: reader } = await signUp(server.url, { username: "reader", password: PASSWORD });
  const { user: writer } = await signUp(server.url, { username: "writer", password: PASSWORD });
  const started = performance.now();
  let conversationId = 0;
  for (let i = 0; i < COUNT; i += 1) {
    const from = i % 3 === 0 ? reader.id : writer.id;
    const to = from === reader.id ? writer.id : reader.id;
    const body =
      i % 7 === 0
        ? `Message ${i}: a longer one, with a link https://example.com/${i} and enough words to wrap onto a second line in a normal window.`
        : `Message ${i}`;
    const message = await sendMessage(server.deps, from, { to: { userId: to }, body });
    conversationId = message.conversationId;
  }
  console.log(`seeded ${COUNT} messages in ${ms(performance.now() - started)}`);

  const browser = await launchBrowser();
  const { page } = await newPerson(browser, server.url);
  // Note when each socket frame arrives, to time a live message from frame to screen.
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("message", () => {
          (window as unknown as { frameAt: number }).frameAt = performance.now();
        });
      }
    };
  });
  await page.goto("/login");
  await page.getByLabel("Username").fill("reader");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Conversations" }).waitFor();
  await page.goto(`/c/${conversationId}`);
  await page
    .getByRole("log")
    .getByText(`Message ${COUNT - 1}`, { exact: true })
    .waitFor();

  const firstPage = await page.evaluate(
    () => performance.getEntriesByName("parley:render-first-page").map((e) => e.duration)[0] ?? -1,
  );

  // Scroll to the top until the beginning of the conversation is loaded.
  const loadStart = performance.now();
  const beginning = page.getByText("This is the beginning of your conversation.");
  while (!(await beginning.isVisible())) {
    await page.getByRole("log").evaluate((log) => {
      log.scrollTop = 0;
      log.dispatchEvent(new Event("scroll"));
    });
    await page.waitForTimeout(20);
    if (performance.now() - loadStart > 120_000) throw new Error("history did not load in 2 minutes");
  }
  const loadedIn = performance.now() - loadStart;
  const olderPages = await page.evaluate(() =>
    performance.getEntriesByName("parley:render-older-page").map((e) => e.duration),
  );

  // Scroll from the top to the bottom, a screen at a time per frame, recording frame times.
  const scroll = await page.getByRole("log").evaluate(async (log) => {
    const frames: number[] = [];
    log.scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    let last = performance.now();
    while (log.scrollTop + log.clientHeight < log.scrollHeight - 1) {
      log.scrollBy(0, log.clientHeight / 2);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    return { frames, nodes: log.querySelectorAll("*").length, height: log.scrollHeight };
  });

  // Live messages arriving with everything loaded: from the socket frame to the frame
  // painted with it (a MutationObserver sees the row, then the next frame is awaited).
  // Each observer is installed (awaited) before its message is sent, so that it cannot
  // miss it; many samples, as one is at the mercy of the machine's other work.
  const live: number[] = [];
  for (let sample = 0; sample < LIVE_SAMPLES; sample += 1) {
    const text = `Live ${sample}`;
    await page.getByRole("log").evaluate((log, text) => {
      const w = window as unknown as { frameAt: number; painted: Promise<number> };
      w.painted = new Promise<number>((resolve) => {
        const observer = new MutationObserver((records) => {
          const added = records.some((r) => [...r.addedNodes].some((node) => node.textContent?.includes(text)));
          if (!added) return;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - w.frameAt)));
        });
        observer.observe(log, { childList: true, subtree: true });
      });
    }, text);
    await sendMessage(server.deps, writer.id, { to: { userId: reader.id }, body: text });
    live.push(await page.evaluate(() => (window as unknown as { painted: Promise<number> }).painted));
  }

  console.log(
    [
      ["first page (15 messages): render after the data arrives", ms(firstPage)],
      [
        `older pages (${olderPages.length}): render, median / max`,
        `${ms(quantile(olderPages, 0.5))} / ${ms(Math.max(...olderPages))}`,
      ],
      [`all ${COUNT} messages loaded by scrolling up in`, ms(loadedIn)],
      [`DOM elements in the list / height`, `${scroll.nodes} / ${scroll.height} px`],
      [
        `scroll frames (${scroll.frames.length}): median / p95 / max`,
        `${ms(quantile(scroll.frames, 0.5))} / ${ms(quantile(scroll.frames, 0.95))} / ${ms(Math.max(...scroll.frames))}`,
      ],
      [
        `live messages (${live.length}) with all loaded, frame → painted: median / p95`,
        `${ms(quantile(live, 0.5))} / ${ms(quantile(live, 0.95))}`,
      ],
    ]
      .map(([label, value]) => `${label?.padEnd(66)} ${value}`)
      .join("\n"),
  );
  await browser.close();
} finally {
  await server.close();
}
