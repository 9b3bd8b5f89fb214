// `bun scripts/web-perf.ts [messages] [live samples] [--trace] [--json FILE]`: measures the web client in
// Chromium against a real server: the render of the first page of a conversation, the
// render of older pages, and scrolling through a conversation of 5,000 loaded messages
// (frame times while the list scrolls from the newest to the oldest message), and live
// messages arriving into it (median and p95 of many). Prints a small table; not a test.
// With --trace, the live messages are also traced and the browser's main-thread time per
// message is printed by kind of work (script, style, layout, paint…), to see what to cut.
// With --json FILE, the figures are also written there (the bench's scenario 8 reads them).
import { sendMessage } from "../src/chat/messages.ts";
import { launchBrowser, newPerson } from "../tests/helpers/browser.ts";
import { signUp } from "../tests/helpers/client.ts";
import { startTestServer } from "../tests/helpers/server.ts";

const jsonAt = process.argv.indexOf("--json");
const JSON_FILE = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
const args = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith("--") && all[i - 1] !== "--json");
const COUNT = Number(args[0] ?? 5000);
const LIVE_SAMPLES = Number(args[1] ?? 50);
const TRACE = process.argv.includes("--trace");
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

  // Live messages arriving with everything loaded. Per message: the socket frame arrives,
  // the row is in the DOM (a MutationObserver), the next frame starts (requestAnimationFrame)
  // and that frame's rendering is done (a task posted from the frame runs after its style,
  // layout and paint). "frame → painted" is the whole span: it includes the idle wait for
  // the display's next frame (0 to 16.7 ms at 60 Hz, at random). "work" leaves that wait
  // out: the script from the frame to the row in the DOM, plus the rendering of the frame
  // that shows it; that is what must fit in one frame for a message to show in the first
  // frame after it arrived. A row whose content the browser skipped (content-visibility)
  // is not painted yet: the frames until its bubble is rendered are counted in, and the
  // message is counted as late. Each observer is installed (awaited) before its message is
  // sent, so that it cannot miss it; many samples, as one is at the mercy of the machine.
  if (TRACE) await browser.startTracing(page, { categories: ["devtools.timeline"] });
  const live: { painted: number; work: number; frames: number }[] = [];
  // Found once: a role query walks the page's 34,000 elements, which the trace would count.
  const log = await page.getByRole("log").elementHandle();
  for (let sample = 0; sample < LIVE_SAMPLES; sample += 1) {
    const text = `Live ${sample}`;
    await log.evaluate((log, text) => {
      type Sample = { painted: number; work: number; frames: number };
      const w = window as unknown as { frameAt: number; painted: Promise<Sample> };
      const nextFrame = () =>
        new Promise<{ start: number; end: number }>((resolve) =>
          requestAnimationFrame(() => {
            const start = performance.now();
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve({ start, end: performance.now() });
            channel.port2.postMessage(null);
          }),
        );
      w.painted = new Promise<Sample>((resolve) => {
        const observer = new MutationObserver(async (records) => {
          const row = records
            .flatMap((record) => [...record.addedNodes])
            .find(
              (node): node is HTMLElement => node instanceof HTMLElement && node.textContent?.includes(text) === true,
            );
          if (!row) return;
          observer.disconnect();
          const arrived = w.frameAt;
          let work = performance.now() - arrived;
          for (let frames = 1; frames <= 10; frames += 1) {
            const frame = await nextFrame();
            work += frame.end - frame.start;
            const bubble = row.querySelector(".bubble") ?? row;
            if (bubble.checkVisibility({ contentVisibilityAuto: true }) || frames === 10)
              return resolve({ painted: frame.end - arrived, work, frames });
          }
        });
        observer.observe(log, { childList: true, subtree: true });
      });
    }, text);
    await sendMessage(server.deps, writer.id, { to: { userId: reader.id }, body: text });
    live.push(await page.evaluate(() => (window as unknown as { painted: Promise<never> }).painted));
  }
  const traced = TRACE ? mainThreadTime(JSON.parse((await browser.stopTracing()).toString())) : null;

  const painted = live.map((sample) => sample.painted);
  const work = live.map((sample) => sample.work);
  const late = live.filter((sample) => sample.frames > 1).length;
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
        `${ms(quantile(painted, 0.5))} / ${ms(quantile(painted, 0.95))}`,
      ],
      [
        "  of which work (script + the frame's rendering): median / p95",
        `${ms(quantile(work, 0.5))} / ${ms(quantile(work, 0.95))}`,
      ],
      ["  shown in a later frame than the first after the row was added", `${late} of ${live.length}`],
    ]
      .map(([label, value]) => `${label?.padEnd(66)} ${value}`)
      .join("\n"),
  );
  if (JSON_FILE) {
    await Bun.write(
      JSON_FILE,
      JSON.stringify({
        messages: COUNT,
        samples: live.length,
        paintedMedian: quantile(painted, 0.5),
        paintedP95: quantile(painted, 0.95),
        workMedian: quantile(work, 0.5),
        workP95: quantile(work, 0.95),
        late,
        scrollFrameMedian: quantile(scroll.frames, 0.5),
        scrollFrameP95: quantile(scroll.frames, 0.95),
      }),
    );
  }
  if (traced) {
    console.log(`\nbrowser main thread per live message (self time, traced), top 12:`);
    for (const [name, total] of [...traced].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`  ${name.padEnd(40)} ${ms(total / LIVE_SAMPLES)}`);
  }
  await browser.close();
} finally {
  await server.close();
}

type TraceEvent = {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
};

/** Self time (ms) by event name on the renderers' main threads, from a Chromium trace. */
function mainThreadTime(trace: { traceEvents: TraceEvent[] }): Map<string, number> {
  const events = trace.traceEvents;
  const main = new Set(
    events
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== "X" || e.dur === undefined || !main.has(thread)) continue;
    const list = byThread.get(thread) ?? [];
    list.push(e);
    byThread.set(thread, list);
  }
  const self = new Map<string, number>();
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const stack: { end: number; name: string; children: number; dur: number }[] = [];
    const close = (until: number) => {
      while (stack.length > 0 && (stack.at(-1)?.end ?? 0) <= until) {
        const done = stack.pop() as (typeof stack)[number];
        self.set(done.name, (self.get(done.name) ?? 0) + (done.dur - done.children) / 1000);
        const parent = stack.at(-1);
        if (parent) parent.children += done.dur;
      }
    };
    for (const e of list) {
      close(e.ts);
      stack.push({ end: e.ts + (e.dur ?? 0), name: e.name, children: 0, dur: e.dur ?? 0 });
    }
    close(Number.POSITIVE_INFINITY);
  }
  return self;
}
