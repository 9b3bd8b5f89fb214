// A lean WebSocket client for the load generator, over Bun.connect: the handshake, and a
// frame parser that hands each text frame to a callback as a latin1 string (the bench
// only looks for ASCII markers). Bun's WebSocket client dispatches an event per frame
// and decodes UTF-8; with a 1,000-member room the receivers then cost as much CPU as
// the server under test, on the same two cores.
import type { Socket } from "bun";

export type LeanHandlers = {
  onText(text: string): void;
  onClose(code: number): void;
};

export type LeanSocket = {
  /** Sends a text frame (latin1 text; the bench's frames are ASCII). */
  sendText(text: string): void;
  close(code?: number): void;
};

type State = {
  handshake: boolean;
  head: string;
  pending: Buffer | null;
  fragments: string;
  handlers: LeanHandlers;
  closed: boolean;
  settle: ((error?: Error) => void) | null;
  /** Bytes the kernel did not take yet, written on `drain`, in order. */
  unwritten: Uint8Array[];
};

function maskedFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length; // control frames only: < 126 bytes
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}

/** A masked text frame of any length (clients must mask what they send). */
function textFrame(text: string): Uint8Array {
  const payload = Buffer.from(text, "latin1");
  const header = payload.length < 126 ? 2 : payload.length < 65_536 ? 4 : 10;
  const frame = new Uint8Array(header + 4 + payload.length);
  frame[0] = 0x81;
  if (header === 2) frame[1] = 0x80 | payload.length;
  else if (header === 4) {
    frame[1] = 0x80 | 126;
    frame[2] = payload.length >> 8;
    frame[3] = payload.length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(payload.length));
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, header);
  const body = header + 4;
  for (let i = 0; i < payload.length; i++) frame[body + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}

/** Writes in order: what the kernel does not take now waits for `drain`. */
function write(socket: Socket<State>, bytes: Uint8Array) {
  const queue = socket.data.unwritten;
  if (queue.length > 0) {
    queue.push(bytes);
    return;
  }
  const written = socket.write(bytes);
  if (written < bytes.length) queue.push(bytes.subarray(Math.max(0, written)));
}

function flush(socket: Socket<State>) {
  const queue = socket.data.unwritten;
  while (queue.length > 0) {
    const bytes = queue[0] as Uint8Array;
    const written = socket.write(bytes);
    if (written < bytes.length) {
      queue[0] = bytes.subarray(Math.max(0, written));
      return;
    }
    queue.shift();
  }
}

function closeFrame(code: number) {
  return maskedFrame(0x8, new Uint8Array([code >> 8, code & 0xff]));
}

function finish(socket: Socket<State>, code: number) {
  const state = socket.data;
  if (state.closed) return;
  state.closed = true;
  state.settle?.(new Error(`closed before the upgrade (${code})`));
  state.settle = null;
  state.handlers.onClose(code);
}

function parseFrames(socket: Socket<State>, chunk: Buffer) {
  const state = socket.data;
  let buffer = state.pending ? Buffer.concat([state.pending, chunk]) : chunk;
  state.pending = null;
  let at = 0;
  while (buffer.length - at >= 2) {
    const b0 = buffer[at] as number;
    const b1 = buffer[at + 1] as number;
    let length = b1 & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (buffer.length - at < 4) break;
      length = buffer.readUInt16BE(at + 2);
      offset = at + 4;
    } else if (length === 127) {
      if (buffer.length - at < 10) break;
      length = Number(buffer.readBigUInt64BE(at + 2));
      offset = at + 10;
    }
    if (b1 & 0x80) offset += 4; // servers do not mask; skip a key if one came anyway
    if (buffer.length < offset + length) break;
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    if (opcode === 0x1 || opcode === 0x0) {
      const text = buffer.toString("latin1", offset, offset + length);
      if (fin) {
        const whole = state.fragments ? state.fragments + text : text;
        state.fragments = "";
        state.handlers.onText(whole);
      } else state.fragments += text;
    } else if (opcode === 0x9) {
      socket.write(maskedFrame(0xa, buffer.subarray(offset, offset + length)));
    } else if (opcode === 0x8) {
      const code = length >= 2 ? buffer.readUInt16BE(offset) : 1005;
      socket.write(closeFrame(code === 1005 ? 1000 : code));
      socket.end();
      finish(socket, code);
      return;
    }
    at = offset + length;
  }
  if (at < buffer.length) state.pending = Buffer.from(buffer.subarray(at));
  buffer = Buffer.alloc(0);
}

/** Resolves once the server has answered 101; rejects on any other answer. */
export function connectLean(url: string, headers: Record<string, string>, handlers: LeanHandlers): Promise<LeanSocket> {
  const target = new URL(url);
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  let request = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;
  for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
  request += "\r\n";

  return new Promise((resolve, reject) => {
    const state: State = {
      handshake: true,
      head: "",
      pending: null,
      fragments: "",
      handlers,
      closed: false,
      settle: null,
      unwritten: [],
    };
    let connection: Socket<State> | null = null;
    const lean: LeanSocket = {
      sendText(text) {
        if (connection && !state.closed) write(connection, textFrame(text));
      },
      close(code = 1000) {
        if (!connection || state.closed) return;
        connection.write(closeFrame(code));
        connection.end();
      },
    };
    state.settle = (error) => (error ? reject(error) : resolve(lean));
    Bun.connect<State>({
      hostname: target.hostname,
      port: Number(target.port),
      data: state,
      socket: {
        open(socket) {
          connection = socket;
          socket.setNoDelay(true);
          socket.write(request);
        },
        data(socket, chunk) {
          const s = socket.data;
          if (!s.handshake) return parseFrames(socket, chunk);
          s.head += chunk.toString("latin1");
          const end = s.head.indexOf("\r\n\r\n");
          if (end < 0) return;
          const status = Number(s.head.slice(9, 12));
          if (status !== 101) {
            s.settle?.(new Error(`upgrade refused (${status})`));
            s.settle = null;
            s.closed = true;
            socket.end();
            return;
          }
          s.handshake = false;
          const rest = Buffer.from(s.head.slice(end + 4), "latin1");
          s.head = "";
          s.settle?.();
          s.settle = null;
          if (rest.length) parseFrames(socket, rest);
        },
        drain(socket) {
          flush(socket);
        },
        close(socket) {
          finish(socket, 1006);
        },
        error(socket, error) {
          socket.data.settle?.(error);
          socket.data.settle = null;
        },
        connectError(_socket, error) {
          reject(error);
        },
      },
    }).catch(reject);
  });
}
