// parley-client: what a bot, a script or another app needs to talk to Parley. The server's
// types (the tRPC router, the Elysia app) and the wire schemas come from the server's own
// source, so a client built with this package is checked against the contract it talks to.
export type { App } from "../../../src/app.ts";
export {
  type ChangesPage,
  type Conversation,
  conversationSchema,
  type Message,
  messageSchema,
  type ReadMark,
  type User,
  userSchema,
} from "../../../src/shared/api.ts";
export { CLOSE_CODES, type ErrorCode } from "../../../src/shared/errors.ts";
export { type ClientFrame, clientFrame, type ServerFrame, serverFrame } from "../../../src/shared/events.ts";
export type { AppRouter } from "../../../src/trpc/router.ts";
export { login, ParleyClient, type ParleyClientOptions, type SendTarget } from "./client.ts";
export type { ConnectionState } from "./connection.ts";
export { Listener, type ListenerOptions } from "./listener.ts";
export { NotSent, SendRefused } from "./socket-sends.ts";
