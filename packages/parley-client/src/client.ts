// The client: a session (a bearer token), the typed tRPC client of every procedure, the
// common calls spelled out, and `listen` for the socket.
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import { authResultSchema, type Message, type User } from "../../../src/shared/api.ts";
import { errorBodySchema } from "../../../src/shared/errors.ts";
import type { AppRouter } from "../../../src/trpc/router.ts";
import { Listener, type ListenerOptions } from "./listener.ts";

export type ParleyClientOptions = {
  /** Where Parley answers, e.g. `https://chat.example.com` (no trailing slash needed). */
  baseUrl: string;
  /** A session token: the `token` of a login or signup answer. */
  token: string;
};

/** Who gets a message: a person (a direct conversation, created on the first message) or a conversation. */
export type SendTarget = { userId: number } | { conversationId: number };

export class ParleyClient {
  readonly baseUrl: string;
  readonly token: string;
  /** Every tRPC procedure, typed from the server's router (see the README's contract). */
  readonly trpc: TRPCClient<AppRouter>;

  constructor(options: ParleyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.token = options.token;
    this.trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${this.baseUrl}/trpc`, headers: () => ({ authorization: `Bearer ${this.token}` }) })],
    });
  }

  me(): Promise<User> {
    return this.trpc.users.me.query();
  }

  /**
   * Sends a message. `clientId` makes retries safe: the server stores one message per
   * clientId and answers a retry with it, so a call that failed on the way can be repeated.
   */
  send(to: SendTarget, body: string, clientId: string = crypto.randomUUID()): Promise<Message> {
    return this.trpc.history.send.mutate({ to, body, clientId });
  }

  /** Opens the socket and follows every conversation of the user (see Listener). */
  listen(options: Omit<ListenerOptions, "baseUrl" | "token" | "trpc">): Listener {
    const listener = new Listener({ ...options, baseUrl: this.baseUrl, token: this.token, trpc: this.trpc });
    listener.start();
    return listener;
  }
}

/** Logs in with a username and password; the client carries the session's token. */
export async function login(baseUrl: string, credentials: { username: string; password: string }) {
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(credentials),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const error = errorBodySchema.safeParse(answer);
    throw new Error(`login refused (${response.status}): ${error.success ? error.data.error.message : "no answer"}`);
  }
  const { token } = authResultSchema.parse(answer);
  return new ParleyClient({ baseUrl, token });
}
