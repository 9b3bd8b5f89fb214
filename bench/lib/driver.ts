// The load generator: a child process (never the server's event loop, never the
// orchestrator's) that holds WebSockets and sends HTTP requests on command from
// bench/run.ts over IPC. Every message body carries a tag, a sequence number and the
// time its send was *scheduled* (open loop: a sender that falls behind does not hide the
// queueing from the latency), so any process can time a delivery and count losses.

import type { DriverCommand, DriverReply, SocketSpec } from "./driver-protocol.ts";
import { HttpClient } from "./http-client.ts";
import { Samples, summarize } from "./stats.ts";
import { connectLean, type LeanSocket } from "./ws-client.ts";

/** Wall-clock milliseconds with sub-microsecond resolution, comparable across processes. */
const wall = () => performance.timeOrigin + performance.now();

type Tracked = {
  socket: LeanSocket | null;
  counted: boolean;
  index: number;
  closed: boolean;
  /** Sends on this socket waiting for their `ack` or `error`, by clientId. */
  answers: Map<string, (outcome: string) => void>;
};

const sockets: Tracked[] = [];
let countedSockets = 0;
let unexpectedCloses = 0;

type Run = {
  tag: string;
  marker: string;
  seqs: number;
  arrivals: Uint32Array;
  lastLatency: Float64Array;
  seen: Uint8Array | null;
  duplicates: number;
  deliveries: Samples;
  total: number;
  lastArrivalAt: number;
  lastArrivalWall: number;
};
let run: Run | null = null;

/** The answer to a `send` frame: "ok" for an `ack`, else the error's code. */
function settleAnswer(tracked: Tracked, data: string) {
  const isAck = data.startsWith('{"type":"ack"');
  if (!isAck && !data.startsWith('{"type":"error"')) return;
  const from = data.indexOf('"clientId":"') + 12;
  if (from < 12) return;
  const clientId = data.slice(from, data.indexOf('"', from));
  const settle = tracked.answers.get(clientId);
  if (!settle) return;
  tracked.answers.delete(clientId);
  const code = isAck ? "ok" : data.slice(data.indexOf('"code":"') + 8, data.indexOf('"', data.indexOf('"code":"') + 8));
  settle(code);
}

function onFrame(tracked: Tracked, data: string) {
  if (tracked.answers.size > 0) settleAnswer(tracked, data);
  const current = run;
  if (!current || !tracked.counted) return;
  const at = data.indexOf(current.marker);
  if (at < 0) return;
  const from = at + current.marker.length;
  const colon = data.indexOf(":", from);
  const end = data.indexOf("~", colon);
  const seq = Number(data.slice(from, colon));
  const latency = wall() - Number(data.slice(colon + 1, end));
  if (!(seq >= 0 && seq < current.seqs)) return;
  if (current.seen) {
    const slot = tracked.index * current.seqs + seq;
    if (current.seen[slot]) {
      current.duplicates++;
      return;
    }
    current.seen[slot] = 1;
  }
  current.arrivals[seq] = (current.arrivals[seq] ?? 0) + 1;
  if (latency > (current.lastLatency[seq] ?? 0)) current.lastLatency[seq] = latency;
  current.deliveries.push(latency);
  current.total++;
  current.lastArrivalAt = performance.now();
  current.lastArrivalWall = wall();
}

function openSocket(spec: SocketSpec, timeoutMs: number): Promise<Tracked> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = spec.token ? { Authorization: `Bearer ${spec.token}` } : {};
    const tracked: Tracked = { socket: null, counted: spec.counted, index: -1, closed: false, answers: new Map() };
    let ready = false;
    const fail = (error: Error) => {
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      tracked.socket?.close();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error("no ready frame")), timeoutMs);
    connectLean(spec.url, headers, {
      onText(data) {
        if (ready) return onFrame(tracked, data);
        if (data.includes('"type":"ready"')) {
          ready = true;
          clearTimeout(timer);
          if (spec.counted) tracked.index = countedSockets++;
          sockets.push(tracked);
          resolve(tracked);
        }
      },
      onClose(code) {
        tracked.closed = true;
        for (const settle of tracked.answers.values()) settle("closed");
        tracked.answers.clear();
        if (!ready) fail(new Error(`closed before ready (${code})`));
        else if (!closingAll) unexpectedCloses++;
      },
    }).then(
      (socket) => {
        tracked.socket = socket;
      },
      (error: Error) => fail(new Error(error.message.replace(/\d{4,}/g, "N"))),
    );
  });
}

let closingAll = false;

async function connect(specs: SocketSpec[], concurrency: number, timeoutMs: number) {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const errors = new Map<string, number>();
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++] as SocketSpec;
      try {
        await openSocket(spec, timeoutMs);
      } catch (error) {
        failed++;
        const key = (error as Error).message;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return {
    connected: specs.length - failed,
    failed,
    ms: performance.now() - started,
    errors: Object.fromEntries(errors),
  };
}

function arm(tag: string, seqs: number) {
  const bytes = countedSockets * seqs;
  run = {
    tag,
    marker: `~${tag}:`,
    seqs,
    arrivals: new Uint32Array(seqs),
    lastLatency: new Float64Array(seqs),
    // Per-socket bitmap for duplicates, while it stays small.
    seen: bytes <= 128 * 1024 * 1024 ? new Uint8Array(bytes) : null,
    duplicates: 0,
    deliveries: new Samples(),
    total: 0,
    lastArrivalAt: performance.now(),
    lastArrivalWall: 0,
  };
}

async function collect(expected: number, idleMs: number, maxMs: number) {
  const current = run;
  if (!current) throw new Error("collect without arm");
  const started = performance.now();
  while (current.total < expected) {
    const now = performance.now();
    if (now - current.lastArrivalAt > idleMs || now - started > maxMs) break;
    await Bun.sleep(5);
  }
  run = null;
  return {
    arrivals: Array.from(current.arrivals),
    lastLatency: Array.from(current.lastLatency),
    duplicates: current.duplicates,
    received: current.total,
    lastArrivalWall: current.lastArrivalWall,
    deliveries: summarize(current.deliveries.values()),
    unexpectedCloses,
  };
}

const clients = new Map<string, HttpClient>();
function clientFor(url: URL): HttpClient {
  let client = clients.get(url.host);
  if (!client) {
    client = new HttpClient(url.hostname, Number(url.port), 256);
    clients.set(url.host, client);
  }
  return client;
}

async function send(cmd: Extract<DriverCommand, { op: "send" }>) {
  const { tag, rate, count, startAt, targets, maxInFlight, padding } = cmd;
  const interval = 1000 / rate;
  const errors: Record<string, number> = {};
  const rtt = new Samples();
  let ok = 0;
  let shed = 0;
  let inFlight = 0;
  let maxLate = 0;
  let issued = 0;
  const prepared = targets.map((t) => {
    if (t.socket !== undefined) {
      const tracked = sockets[t.socket];
      if (!tracked?.socket) throw new Error(`no socket ${t.socket} to send on`);
      return { ...t, tracked, client: null, path: "", headers: {} };
    }
    const url = new URL(t.url);
    return {
      ...t,
      tracked: null,
      client: clientFor(url),
      path: url.pathname + url.search,
      headers: { "Content-Type": "application/json", ...t.headers },
    };
  });
  /** A `send` frame, answered "ok" (ack) or with the error frame's code. */
  const sendFrame = (tracked: Tracked, frame: string, clientId: string) =>
    new Promise<string>((resolve) => {
      if (tracked.closed) return resolve("closed");
      tracked.answers.set(clientId, resolve);
      tracked.socket?.sendText(`${frame}${clientId}"}`);
    });
  const pending = new Set<Promise<void>>();

  const fire = (seq: number, scheduled: number) => {
    if (inFlight >= maxInFlight) {
      shed++;
      return;
    }
    const target = prepared[seq % prepared.length] as (typeof prepared)[number];
    const text = `bench ~${tag}:${seq}:${scheduled.toFixed(4)}~ ${padding}`;
    const sentAt = performance.now();
    inFlight++;
    const body = `${target.prefix}${text}${target.suffix}`;
    const answer = target.tracked
      ? sendFrame(target.tracked, body, `${tag}-${seq}`)
      : (target.client as HttpClient).request("POST", target.path, target.headers, body);
    const promise = answer
      .then((status) => {
        if (status === "ok" || (typeof status === "number" && status >= 200 && status < 300)) {
          ok++;
          rtt.push(performance.now() - sentAt);
        } else errors[String(status)] = (errors[String(status)] ?? 0) + 1;
      })
      .catch((error: Error) => {
        const key = error.name || "error";
        errors[key] = (errors[key] ?? 0) + 1;
      })
      .finally(() => {
        inFlight--;
        pending.delete(promise);
      });
    pending.add(promise);
  };

  while (wall() < startAt) await Bun.sleep(Math.max(0, Math.min(5, startAt - wall())));
  const firstAt = wall();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = wall();
      const due = Math.min(count, Math.floor((now - startAt) / interval) + 1);
      while (issued < due) {
        const scheduled = startAt + issued * interval;
        maxLate = Math.max(maxLate, now - scheduled);
        fire(issued, scheduled);
        issued++;
      }
      if (issued < count) setTimeout(tick, Math.max(0, Math.min(1, startAt + issued * interval - wall())));
      else resolve();
    };
    tick();
  });
  const lastIssuedAt = wall();
  while (pending.size) await Promise.all([...pending]);
  return {
    issued,
    ok,
    shed,
    errors,
    firstAt,
    lastIssuedAt,
    doneAt: wall(),
    maxLateMs: maxLate,
    rtt: summarize(rtt.values()),
  };
}

/** Closed loop: `concurrency` workers call GETs round-robin for a while. */
async function requests(cmd: Extract<DriverCommand, { op: "requests" }>) {
  const latency = new Samples();
  const errors: Record<string, number> = {};
  const started = performance.now();
  const endAt = started + cmd.durationMs;
  let next = 0;
  const worker = async () => {
    while (performance.now() < endAt) {
      const target = cmd.targets[next++ % cmd.targets.length] as (typeof cmd.targets)[number];
      const url = new URL(target.url);
      const begin = performance.now();
      try {
        const status = await clientFor(url).request("GET", url.pathname + url.search, target.headers);
        if (status >= 200 && status < 300) latency.push(performance.now() - begin);
        else errors[String(status)] = (errors[String(status)] ?? 0) + 1;
      } catch (error) {
        const key = (error as Error).name || "error";
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: cmd.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { ok: latency.length, errors, perSecond: latency.length / seconds, latency: summarize(latency.values()) };
}

async function closeAll() {
  closingAll = true;
  for (const tracked of sockets) tracked.socket?.close(1000);
  const deadline = performance.now() + 2000;
  while (sockets.some((t) => !t.closed) && performance.now() < deadline) await Bun.sleep(10);
  sockets.length = 0;
  countedSockets = 0;
  closingAll = false;
  unexpectedCloses = 0;
}

async function handle(cmd: DriverCommand): Promise<unknown> {
  switch (cmd.op) {
    case "connect":
      return connect(cmd.sockets, cmd.concurrency, cmd.timeoutMs);
    case "arm":
      arm(cmd.tag, cmd.seqs);
      return { armed: true, counted: countedSockets };
    case "send":
      return send(cmd);
    case "collect":
      return collect(cmd.expected, cmd.idleMs, cmd.maxMs);
    case "requests":
      return requests(cmd);
    case "close":
      await closeAll();
      return { closed: true };
    case "exit":
      setTimeout(() => process.exit(0), 10);
      return { exiting: true };
  }
}

process.on("message", (message) => {
  const cmd = message as DriverCommand & { id: number };
  handle(cmd).then(
    (result) => process.send?.({ id: cmd.id, ok: true, result } satisfies DriverReply),
    (error: Error) =>
      process.send?.({ id: cmd.id, ok: false, error: String(error?.stack ?? error) } satisfies DriverReply),
  );
});
process.send?.({ id: 0, ok: true, result: "started" } satisfies DriverReply);
