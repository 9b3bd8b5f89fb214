// The client side of the /ws protocol: connect, wait for `ready`, ping, and reconnect with
// backoff. What was missed is caught up per conversation on `ready` and `resync`
// (listener.ts here, web/src/stores/threads.ts in the web app; both with stream.ts), not by
// a global `resume`. No DOM or Solid here, so bun test can drive it with a fake socket and
// fake timers; the web app and parley-client's listener share it.
import { CLOSE_CODES } from "../../../src/shared/errors.ts";
import { type ClientFrame, type ServerFrame, serverFrame } from "../../../src/shared/events.ts";
import { type BackoffOptions, backoffDelay } from "./backoff.ts";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "ended" | "stopped";

/** The part of the browser WebSocket this module uses. */
export type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
};

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
};

export type ConnectionOptions = {
  url: string;
  openSocket: (url: string) => SocketLike;
  onFrame: (frame: ServerFrame) => void;
  onState?: (state: ConnectionState) => void;
  /** The socket closed with 1008: the session is over. */
  onSessionEnded?: () => void;
  /** A connection attempt failed before `ready` (the app may check whether the session still holds). */
  onConnectFailed?: (attempt: number) => void;
  timers?: Timers;
  backoff?: BackoffOptions;
  pingIntervalMs?: number;
  /**
   * Parse every frame with the protocol's schema (tests and development builds): a frame
   * it refuses is reported and dropped, so a server that drifts from the contract shows.
   */
  checkFrames?: boolean;
};

const OPEN = 1;
export const PING_INTERVAL_MS = 25_000;

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export class Connection {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private stateValue: ConnectionState = "stopped";
  private readonly timers: Timers;

  constructor(private readonly options: ConnectionOptions) {
    this.timers = options.timers ?? realTimers;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  start() {
    if (this.stateValue !== "stopped" && this.stateValue !== "ended") return;
    this.attempt = 0;
    this.open("connecting");
  }

  stop() {
    this.setState("stopped");
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, "bye");
    }
  }

  /** Reconnects now instead of waiting for the backoff (the browser came back online). */
  retryNow() {
    if (this.stateValue !== "reconnecting" || this.socket) return;
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.open("reconnecting");
  }

  send(frame: ClientFrame): boolean {
    if (!this.socket || this.socket.readyState !== OPEN || this.stateValue !== "online") return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private setState(state: ConnectionState) {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.options.onState?.(state);
  }

  private clearTimers() {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    if (this.pingTimer !== null) this.timers.clearInterval(this.pingTimer);
    this.reconnectTimer = null;
    this.pingTimer = null;
  }

  private open(state: "connecting" | "reconnecting") {
    this.setState(state);
    let socket: SocketLike;
    try {
      socket = this.options.openSocket(this.options.url);
    } catch {
      this.scheduleReconnect(false);
      return;
    }
    this.socket = socket;
    let ready = false;
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let frame: ServerFrame;
      try {
        frame = this.options.checkFrames ? serverFrame.parse(JSON.parse(event.data)) : JSON.parse(event.data);
      } catch (error) {
        if (this.options.checkFrames) console.error("a frame outside the protocol", event.data, error);
        return;
      }
      if (frame.type === "ready") ready = true;
      this.receive(frame, socket);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.pingTimer !== null) this.timers.clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (event.code === CLOSE_CODES.POLICY_VIOLATION) {
        this.setState("ended");
        this.options.onSessionEnded?.();
        return;
      }
      this.scheduleReconnect(ready);
    };
    socket.onerror = () => {};
  }

  private receive(frame: ServerFrame, socket: SocketLike) {
    switch (frame.type) {
      case "ready":
        this.attempt = 0;
        this.setState("online");
        this.pingTimer ??= this.timers.setInterval(() => {
          if (socket.readyState === OPEN) socket.send(JSON.stringify({ type: "ping" } satisfies ClientFrame));
        }, this.options.pingIntervalMs ?? PING_INTERVAL_MS);
        break;
      case "pong":
        return;
    }
    this.options.onFrame(frame);
  }

  private scheduleReconnect(wasReady: boolean) {
    if (this.stateValue === "stopped" || this.stateValue === "ended") return;
    if (!wasReady) this.options.onConnectFailed?.(this.attempt);
    const delay = backoffDelay(this.attempt, this.options.backoff);
    this.attempt += 1;
    this.setState("reconnecting");
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.open("reconnecting");
    }, delay);
  }
}
