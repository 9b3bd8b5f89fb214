// A test WebSocket client for /ws: records every frame, waits for the next one matching a
// type (and a predicate) with a bounded timeout, and reports how the socket closed. Every
// frame is parsed with the protocol's schema: a frame outside it fails the waiting test.
import { type ServerFrame, type ServerFrameType, serverFrame } from "../../src/shared/events.ts";

export type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;

export type TestSocket = {
  ws: WebSocket;
  /** Every frame received, in order. */
  frames: ServerFrame[];
  /** The `ready` frame (when opened with the default `waitReady`). */
  ready: FrameOf<"ready">;
  /**
   * The first frame of this type (matching `predicate`) not returned by an earlier `next`,
   * received already or waited for.
   */
  next<T extends ServerFrameType>(
    type: T,
    predicate?: (frame: FrameOf<T>) => boolean,
    timeoutMs?: number,
  ): Promise<FrameOf<T>>;
  /** Frames received up to and including the first one matching (waiting for it if need be). */
  framesUntil<T extends ServerFrameType>(
    type: T,
    predicate?: (frame: FrameOf<T>) => boolean,
    timeoutMs?: number,
  ): Promise<ServerFrame[]>;
  send(frame: unknown): void;
  /** Stop reading from the network (the server then sees backpressure), and start again. */
  pause(): void;
  resume(): void;
  /** Resolves with the close code and reason, when the socket closes. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  close(): void;
};

export type OpenOptions = { origin?: string; cookie?: string; waitReady?: boolean; timeoutMs?: number };

const DEFAULT_TIMEOUT_MS = 5000;

export function wsUrl(baseUrl: string) {
  return `${baseUrl.replace(/^http/, "ws")}/ws`;
}

export async function openSocket(baseUrl: string, token: string | null, options: OpenOptions = {}) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  // Bun's WebSocket takes headers, which browsers' does not.
  const ws = new WebSocket(wsUrl(baseUrl), { headers } as unknown as string[]);
  const frames: ServerFrame[] = [];
  const taken = new Set<number>();
  const listeners = new Set<() => void>();
  let closeInfo: { code: number; reason: string } | null = null;
  let outsideProtocol: Error | null = null;

  ws.addEventListener("message", (event) => {
    const text = String(event.data);
    const parsed = serverFrame.safeParse(JSON.parse(text));
    if (parsed.success) frames.push(parsed.data);
    else
      outsideProtocol ??= new Error(`the server sent a frame outside the protocol: ${text}\n${parsed.error.message}`);
    for (const listener of [...listeners]) listener();
  });
  ws.addEventListener("close", (event) => {
    closeInfo = { code: event.code, reason: event.reason };
    for (const listener of [...listeners]) listener();
  });

  /** Waits until `check` returns a value, re-checking on each frame and on close. */
  function waitFor<R>(check: () => R | undefined, describe: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<R> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        if (outsideProtocol) {
          cleanup();
          reject(outsideProtocol);
          return;
        }
        const found = check();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (closeInfo && !describe.startsWith("close")) {
          cleanup();
          reject(new Error(`socket closed (${closeInfo.code} ${closeInfo.reason}) while waiting for ${describe}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe}; got ${JSON.stringify(frames)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(attempt);
      };
      listeners.add(attempt);
      attempt();
    });
  }

  function findIndex<T extends ServerFrameType>(type: T, predicate?: (frame: FrameOf<T>) => boolean, skipTaken = true) {
    return frames.findIndex(
      (frame, i) =>
        !(skipTaken && taken.has(i)) && frame.type === type && (!predicate || predicate(frame as FrameOf<T>)),
    );
  }

  const socket: TestSocket = {
    ws,
    frames,
    ready: undefined as unknown as FrameOf<"ready">,
    next(type, predicate, timeoutMs) {
      return waitFor(
        () => {
          const i = findIndex(type, predicate);
          if (i < 0) return undefined;
          taken.add(i);
          return frames[i] as FrameOf<typeof type>;
        },
        `a ${type} frame`,
        timeoutMs,
      );
    },
    framesUntil(type, predicate, timeoutMs) {
      return waitFor(
        () => {
          const i = findIndex(type, predicate, false);
          return i < 0 ? undefined : frames.slice(0, i + 1);
        },
        `a ${type} frame`,
        timeoutMs,
      );
    },
    send(frame) {
      ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    },
    // Bun's client WebSocket can pause reading; the DOM typings do not know it.
    pause() {
      (ws as unknown as { pause(): boolean }).pause();
    },
    resume() {
      (ws as unknown as { resume(): boolean }).resume();
    },
    closed(timeoutMs) {
      return waitFor(() => closeInfo ?? undefined, "close", timeoutMs);
    },
    close() {
      ws.close();
    },
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error("timed out waiting for the socket to open"));
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    ws.addEventListener(
      "open",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
    ws.addEventListener(
      "close",
      (event) => {
        clearTimeout(timer);
        reject(new Error(`socket closed before opening (${event.code})`));
      },
      { once: true },
    );
  });
  if (options.waitReady ?? true) socket.ready = await socket.next("ready", undefined, options.timeoutMs);
  return socket;
}

/** The raw HTTP answer to a WebSocket upgrade request, without following through. */
export async function upgradeStatus(baseUrl: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/ws`, {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-key": btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
      "sec-websocket-version": "13",
      ...headers,
    },
  });
  return { status: response.status, body: await response.text() };
}
