// An echo bot on parley-client: it answers every direct message, and every message in a
// room that mentions it (@its-username), with what was said. It shows the client's three
// parts: logging in, listening (the socket, with resume and catch-up: a message sent
// while the bot was reconnecting is still answered) and sending (with a clientId made
// from the message answered, so that a message seen twice is answered once).
//
//   PARLEY_URL=http://127.0.0.1:3000 PARLEY_USERNAME=echo PARLEY_PASSWORD=… bun run start
import { type Conversation, type Listener, login, type Message, type ParleyClient } from "parley-client";

/** Room messages longer than this are cut before they are echoed (the server's limit is larger). */
const ECHO_MAX = 3000;

export async function startEchoBot(client: ParleyClient): Promise<Listener> {
  const me = await client.me();
  const mention = new RegExp(`(^|[^\\w.@-])@${me.username.replace(/[.]/g, "\\.")}(?![\\w.-])`, "i");
  const kinds = new Map<number, Conversation["kind"]>();

  const kindOf = async (conversationId: number) => {
    if (!kinds.has(conversationId))
      for (const conversation of await client.trpc.history.conversations.query())
        kinds.set(conversation.id, conversation.kind);
    return kinds.get(conversationId);
  };

  const answer = async (message: Message) => {
    // Not its own words, and not a room's system lines (someone joined: an event, no body).
    if (message.senderId === me.id || message.event) return;
    const kind = await kindOf(message.conversationId);
    if (kind === "room" && !mention.test(message.body)) return;
    const said = message.body.replace(mention, "$1").trim() || message.body;
    const reply = `echo: ${[...said].slice(0, ECHO_MAX).join("")}`;
    // One answer per message, whatever happens: the server keeps one message per clientId.
    await client.send({ conversationId: message.conversationId }, reply, `echo-${message.id}`);
  };

  let ready = () => {};
  const listening = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const listener = client.listen({
    onMessage: (message) => {
      answer(message).catch((error) => console.error(`could not answer message ${message.id}:`, error));
    },
    onFrame: (frame) => {
      if (frame.type === "conversation") kinds.set(frame.conversation.id, frame.conversation.kind);
      if (frame.type === "ready") ready();
    },
    onError: (error) => console.error("catch-up failed (tried again on the next reconnect):", error),
  });
  await listening;
  return listener;
}

if (import.meta.main) {
  const { PARLEY_URL, PARLEY_USERNAME, PARLEY_PASSWORD } = process.env;
  if (!PARLEY_URL || !PARLEY_USERNAME || !PARLEY_PASSWORD) {
    console.error("Set PARLEY_URL, PARLEY_USERNAME and PARLEY_PASSWORD (the bot's account).");
    process.exit(2);
  }
  const client = await login(PARLEY_URL, { username: PARLEY_USERNAME, password: PARLEY_PASSWORD });
  const listener = await startEchoBot(client);
  console.log(`listening as @${PARLEY_USERNAME}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => {
      listener.stop();
      process.exit(0);
    });
}
