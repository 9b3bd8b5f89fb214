// Sending from the browser: over the socket while it is open (no HTTP request per
// message), over HTTP when the socket is refused or swallows a send, each message stored
// and shown once.
import { beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { newPerson, openDirectWith, sendMessage, signUpInBrowser } from "../helpers/browser.ts";
import { signUp } from "../helpers/client.ts";
import { eventually } from "../helpers/conversations.ts";
import { forEachDatabase } from "../helpers/databases.ts";
import { serverAndBrowser, storedBodiesFrom } from "../helpers/e2e.ts";

forEachDatabase(() => {
  const e2e = serverAndBrowser();

  beforeAll(async () => {
    await signUp(e2e.server.url, { username: "bob", firstName: "Bob", lastName: "Stone" });
  }, 60_000);

  /** Counts the page's HTTP send requests and the `send` frames it writes on its sockets. */
  function watchSends(page: Page) {
    const counts = { http: 0, frames: 0 };
    page.on("request", (request) => {
      if (request.url().includes("history.send")) counts.http += 1;
    });
    page.on("websocket", (socket) =>
      socket.on("framesent", ({ payload }) => {
        if (typeof payload === "string" && payload.includes('"type":"send"')) counts.frames += 1;
      }),
    );
    return counts;
  }

  const log = (page: Page) => page.getByRole("log");

  async function sendAndWaitStored(page: Page, username: string, bodies: string[]) {
    for (const body of bodies) await sendMessage(page, body);
    await eventually(
      async () => (await storedBodiesFrom(e2e.server, username)).length === bodies.length,
      `${bodies.length} stored`,
      30_000,
    );
    await log(page).locator(".message.pending").first().waitFor({ state: "detached", timeout: 20_000 });
    expect(await storedBodiesFrom(e2e.server, username)).toEqual(bodies);
    for (const body of bodies) {
      await log(page).getByText(body, { exact: true }).waitFor();
      expect(await log(page).getByText(body, { exact: true }).count()).toBe(1);
    }
  }

  test("while the socket is open, messages go over it: no HTTP send request", async () => {
    const { page, errors } = await newPerson(e2e.browser, e2e.server.url);
    const counts = watchSends(page);
    await signUpInBrowser(page, { firstName: "Sol", lastName: "Socket", username: "sol" });
    await openDirectWith(page, "bob", "Bob Stone");
    // The first message opens the conversation; the others go to it.
    await sendAndWaitStored(page, "sol", ["over the socket", "and again", "a third"]);
    expect(counts).toEqual({ http: 0, frames: 3 });
    expect(errors).toEqual([]);
  }, 60_000);

  test("with the socket refused, messages go over HTTP", async () => {
    const { page, errors } = await newPerson(e2e.browser, e2e.server.url);
    await page.routeWebSocket(/\/ws$/, (socket) => socket.close());
    const counts = watchSends(page);
    await signUpInBrowser(page, { firstName: "Hal", lastName: "Http", username: "hal" });
    await openDirectWith(page, "bob", "Bob Stone");
    await sendAndWaitStored(page, "hal", ["over HTTP", "still HTTP"]);
    expect(counts.frames).toBe(0);
    expect(counts.http).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  }, 60_000);

  test("a send the socket swallows goes over HTTP after the wait, with the same clientId: stored once", async () => {
    const { page, errors } = await newPerson(e2e.browser, e2e.server.url);
    // The socket passes everything on, except the first `send` frame, which never arrives.
    let swallowed = 0;
    let passed = 0;
    let swallowedClientId = "";
    const httpBodies: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("history.send")) httpBodies.push(request.postData() ?? "");
    });
    await page.routeWebSocket(/\/ws$/, (socket) => {
      const upstream = socket.connectToServer();
      socket.onMessage((frame) => {
        const isSend = typeof frame === "string" && frame.includes('"type":"send"');
        if (isSend && swallowed === 0) {
          swallowed += 1;
          swallowedClientId = JSON.parse(frame).clientId;
        } else {
          if (isSend) passed += 1;
          upstream.send(frame);
        }
      });
      upstream.onMessage((frame) => socket.send(frame));
    });
    const counts = watchSends(page);
    await signUpInBrowser(page, { firstName: "Lou", lastName: "Lost", username: "lou" });
    await openDirectWith(page, "bob", "Bob Stone");
    await sendAndWaitStored(page, "lou", ["lost on the socket", "then over it"]);
    expect({ swallowed, passed, http: counts.http }).toEqual({ swallowed: 1, passed: 1, http: 1 });
    expect(swallowedClientId).not.toBe("");
    expect(httpBodies[0]).toContain(swallowedClientId);
    expect(errors).toEqual([]);
  }, 60_000);

  test("an answer lost on the socket: the stored copy from the stream replaces the pending row at once, never shown twice", async () => {
    const { page, errors } = await newPerson(e2e.browser, e2e.server.url);
    // The socket passes everything on, except the `ack` of the message sent after `loseAck`:
    // the message is stored and comes back on the stream, its answer never does.
    let loseAck = false;
    let lostAcks = 0;
    await page.routeWebSocket(/\/ws$/, (socket) => {
      const upstream = socket.connectToServer();
      socket.onMessage((frame) => upstream.send(frame));
      upstream.onMessage((frame) => {
        if (loseAck && typeof frame === "string" && frame.includes('"type":"ack"')) {
          loseAck = false;
          lostAcks += 1;
          return;
        }
        socket.send(frame);
      });
    });
    // The retry over HTTP (after the socket's wait) is held: it must not be what settles the row.
    const heldRetries: string[] = [];
    await page.route(/history\.send/, (route) => {
      heldRetries.push(route.request().postData() ?? "");
    });
    await signUpInBrowser(page, { firstName: "Ann", lastName: "Answer", username: "ann" });
    await openDirectWith(page, "bob", "Bob Stone");
    await sendAndWaitStored(page, "ann", ["opens the conversation"]);

    loseAck = true;
    await sendMessage(page, "answer lost");
    await eventually(() => lostAcks === 1, "the ack lost");
    await log(page).locator(".message:not(.pending)").getByText("answer lost", { exact: true }).waitFor();
    // A second message changes the outbox while the first one's attempt is still open.
    await sendMessage(page, "behind it");
    await log(page).getByText("behind it", { exact: true }).waitFor();
    expect(await log(page).getByText("answer lost", { exact: true }).count()).toBe(1);
    expect(await log(page).locator(".message.pending").getByText("answer lost", { exact: true }).count()).toBe(0);
    // The second goes on (over the socket) without waiting for the first's retry: both stored once.
    await eventually(async () => (await storedBodiesFrom(e2e.server, "ann")).length === 3, "3 stored", 30_000);
    expect(await storedBodiesFrom(e2e.server, "ann")).toEqual(["opens the conversation", "answer lost", "behind it"]);
    await log(page).locator(".message.pending").first().waitFor({ state: "detached" });
    expect(await log(page).getByText("answer lost", { exact: true }).count()).toBe(1);
    expect(heldRetries).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  test("a server older than the send frame: the first message falls back to HTTP at once, the rest skip the socket, the session holds", async () => {
    const { page, errors } = await newPerson(e2e.browser, e2e.server.url);
    // The route plays an older Parley's socket (a mixed-version rollout): everything passes
    // to the real server except `send` frames, which it does not know. It answers each with
    // the error an old server sends, and closes the socket with 1008 at the tenth, as it does.
    let sendFrames = 0;
    await page.routeWebSocket(/\/ws$/, (socket) => {
      const upstream = socket.connectToServer();
      let errorFrames = 0;
      socket.onMessage((frame) => {
        if (!(typeof frame === "string" && frame.includes('"type":"send"'))) return upstream.send(frame);
        sendFrames += 1;
        errorFrames += 1;
        socket.send(JSON.stringify({ type: "error", code: "BAD_REQUEST", message: "Unknown frame type" }));
        if (errorFrames >= 10) void socket.close({ code: 1008, reason: "Too many errors" });
      });
      upstream.onMessage((frame) => socket.send(frame));
    });
    const counts = watchSends(page);
    await signUpInBrowser(page, { firstName: "Olga", lastName: "Older", username: "olga" });
    await openDirectWith(page, "bob", "Bob Stone");
    await sendAndWaitStored(page, "olga", ["to an old server", "second", "third"]);
    // One send frame only (it earned one error); every message went over HTTP.
    expect({ sendFrames, http: counts.http }).toEqual({ sendFrames: 1, http: 3 });
    await page.getByRole("textbox", { name: /^Message / }).waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});
