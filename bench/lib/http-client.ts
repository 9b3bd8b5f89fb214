// A lean HTTP/1.1 client for the load generator: keep-alive connections over Bun.connect,
// one request in flight per connection (no pipelining, like a browser), requests queued
// when every connection is busy. fetch() costs the generator several times more CPU per
// request, and on two cores the generator's CPU is taken from the server under test.
import type { Socket } from "bun";

type Pending = { head: string; body: string; resolve(status: number): void; reject(error: Error): void };

type Connection = {
  socket: Socket<Connection> | null;
  busy: Pending | null;
  buffer: string;
};

export class HttpClient {
  private idle: Connection[] = [];
  private all = new Set<Connection>();
  private queue: Pending[] = [];
  private opening = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxConnections = 128,
  ) {}

  /** Resolves with the status code once the whole answer has arrived. */
  request(method: string, path: string, headers: Record<string, string>, body = ""): Promise<number> {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (method !== "GET") head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    head += "\r\n";
    return new Promise((resolve, reject) => {
      this.queue.push({ head, body, resolve, reject });
      this.pump();
    });
  }

  get inFlight() {
    return this.queue.length + this.all.size - this.idle.length;
  }

  close() {
    for (const connection of this.all) connection.socket?.end();
    this.all.clear();
    this.idle.length = 0;
  }

  private pump() {
    while (this.queue.length && this.idle.length) {
      const connection = this.idle.pop() as Connection;
      this.dispatch(connection, this.queue.shift() as Pending);
    }
    const wanted = Math.min(this.queue.length - this.opening, this.maxConnections - this.all.size - this.opening);
    for (let i = 0; i < wanted; i++) this.open();
  }

  private dispatch(connection: Connection, pending: Pending) {
    connection.busy = pending;
    connection.buffer = "";
    connection.socket?.write(pending.head + pending.body);
  }

  private open() {
    this.opening++;
    const connection: Connection = { socket: null, busy: null, buffer: "" };
    const fail = (error: Error) => {
      const pending = connection.busy;
      connection.busy = null;
      this.all.delete(connection);
      const at = this.idle.indexOf(connection);
      if (at >= 0) this.idle.splice(at, 1);
      pending?.reject(error);
      if (this.queue.length) setTimeout(() => this.pump(), 10);
    };
    Bun.connect<Connection>({
      hostname: this.host,
      port: this.port,
      data: connection,
      socket: {
        open: (socket) => {
          socket.setNoDelay(true);
        },
        data: (socket, chunk) => {
          const state = socket.data;
          state.buffer += chunk.toString("latin1");
          const length = completeLength(state.buffer);
          if (length === 0) return;
          const status = Number(state.buffer.slice(9, 12));
          const pending = state.busy;
          state.busy = null;
          state.buffer = "";
          pending?.resolve(status);
          const next = this.queue.shift();
          if (next) this.dispatch(state, next);
          else this.idle.push(state);
        },
        close: () => fail(new Error("connection closed")),
        error: (_socket, error) => fail(error),
      },
    }).then(
      (socket) => {
        this.opening--;
        connection.socket = socket;
        this.all.add(connection);
        const next = this.queue.shift();
        if (next) this.dispatch(connection, next);
        else this.idle.push(connection);
      },
      (error: Error) => {
        this.opening--;
        const pending = this.queue.shift();
        pending?.reject(error);
      },
    );
  }
}

/** The length of a complete answer at the start of `text`, or 0 while it is incomplete. */
function completeLength(text: string): number {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return 0;
  const head = text.slice(0, headEnd).toLowerCase();
  const lengthAt = head.indexOf("\r\ncontent-length:");
  if (lengthAt >= 0) {
    const value = Number.parseInt(head.slice(lengthAt + 17, head.indexOf("\r\n", lengthAt + 2) >>> 0), 10);
    const total = headEnd + 4 + value;
    return text.length >= total ? total : 0;
  }
  if (head.includes("\r\ntransfer-encoding: chunked")) {
    const end = text.indexOf("\r\n0\r\n\r\n", headEnd);
    if (end >= 0) return end + 7;
    return text.startsWith("0\r\n\r\n", headEnd + 4) ? headEnd + 9 : 0;
  }
  return headEnd + 4;
}
