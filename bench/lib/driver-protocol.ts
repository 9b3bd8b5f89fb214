// Commands bench/run.ts sends to a load-generator process (bench/lib/driver.ts), and the
// handle the orchestrator keeps for one.

import { join } from "node:path";
import type { Subprocess } from "bun";
import { spawnWithFdLimit } from "./processes.ts";
import type { Summary } from "./stats.ts";

export type SocketSpec = {
  url: string;
  token?: string;
  /** Deliveries to this socket count (recipients); others only drain their frames. */
  counted: boolean;
};

/**
 * How one message is sent: a POST to `url` whose JSON body is `prefix + <text> + suffix`
 * (the text needs no escaping), or, with `socket`, a frame on that socket of the sending
 * driver (its index in connect order), `prefix + <text> + suffix + <clientId>"}`, whose
 * answer is the `ack` or `error` frame carrying the clientId.
 */
export type SendTarget = {
  url: string;
  headers: Record<string, string>;
  prefix: string;
  suffix: string;
  socket?: number;
};

export type DriverCommand =
  | { op: "connect"; sockets: SocketSpec[]; concurrency: number; timeoutMs: number }
  | { op: "arm"; tag: string; seqs: number }
  | {
      op: "send";
      tag: string;
      rate: number;
      count: number;
      /** Wall-clock ms at which message 0 is due. */
      startAt: number;
      targets: SendTarget[];
      maxInFlight: number;
      padding: string;
    }
  | { op: "collect"; expected: number; idleMs: number; maxMs: number }
  | {
      op: "requests";
      targets: { url: string; headers: Record<string, string> }[];
      concurrency: number;
      durationMs: number;
    }
  | { op: "close" }
  | { op: "exit" };

export type DriverReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type ConnectResult = { connected: number; failed: number; ms: number; errors: Record<string, number> };
export type SendResult = {
  issued: number;
  ok: number;
  shed: number;
  errors: Record<string, number>;
  firstAt: number;
  lastIssuedAt: number;
  doneAt: number;
  maxLateMs: number;
  rtt: Summary;
};
export type CollectResult = {
  arrivals: number[];
  lastLatency: number[];
  duplicates: number;
  received: number;
  lastArrivalWall: number;
  deliveries: Summary;
  unexpectedCloses: number;
};
export type RequestsResult = { ok: number; errors: Record<string, number>; perSecond: number; latency: Summary };

/** The body of a Parley `history.send` into a conversation, as a SendTarget. */
export function parleySendTarget(baseUrl: string, token: string, conversationId: number): SendTarget {
  const [prefix = "", suffix = ""] = JSON.stringify({ to: { conversationId }, body: "\u0000" }).split('"\\u0000"');
  return {
    url: `${baseUrl}/trpc/history.send`,
    headers: { authorization: `Bearer ${token}` },
    prefix: `${prefix}"`,
    suffix: `"${suffix}`,
  };
}

/** A Parley `send` frame into a conversation, on the sending driver's socket `socket`. */
export function parleySocketSendTarget(socket: number, conversationId: number): SendTarget {
  const prefix = JSON.stringify({ type: "send", to: { conversationId }, body: "" }).slice(0, -2);
  return { url: "", headers: {}, prefix, suffix: '","clientId":"', socket };
}

/** The baseline server's equivalent. */
export function baselineSendTarget(baseUrl: string, senderId: number, conversationId: number): SendTarget {
  const [prefix = "", suffix = ""] = JSON.stringify({ conversationId, senderId, body: "\u0000" }).split('"\\u0000"');
  return { url: `${baseUrl}/send`, headers: {}, prefix: `${prefix}"`, suffix: `"${suffix}` };
}

export class Driver {
  private nextId = 1;
  private waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private started: Promise<void>;
  private process: Subprocess;

  constructor(readonly name: string) {
    let markStarted = () => {};
    this.started = new Promise((resolve) => {
      markStarted = resolve;
    });
    this.process = spawnWithFdLimit([process.execPath, join(import.meta.dir, "driver.ts")], {
      ipc: (message) => {
        const reply = message as DriverReply;
        if (reply.id === 0) return markStarted();
        const waiter = this.waiting.get(reply.id);
        if (!waiter) return;
        this.waiting.delete(reply.id);
        if (reply.ok) waiter.resolve(reply.result);
        else waiter.reject(new Error(`${this.name}: ${reply.error}`));
      },
    });
    this.process.exited.then((code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${this.name} exited with ${code}`));
      this.waiting.clear();
    });
  }

  get pid() {
    return this.process.pid;
  }

  async call<T>(command: DriverCommand): Promise<T> {
    await this.started;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ ...command, id });
    });
  }

  connect(sockets: SocketSpec[], options: { concurrency?: number; timeoutMs?: number } = {}) {
    return this.call<ConnectResult>({
      op: "connect",
      sockets,
      concurrency: options.concurrency ?? 64,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  async stop() {
    if (this.process.exitCode !== null) return;
    await this.call({ op: "exit" }).catch(() => {});
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 3000);
    await this.process.exited;
    clearTimeout(timer);
  }
}
