// Running a room, per procedure and per role: the owner, a moderator, a member and an
// outsider each try every action. An outsider gets NOT_FOUND (as for a room that does not
// exist), a member without the right FORBIDDEN; each change is a system line in the room.

import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mayDeleteOthersMessages as mayModerate } from "../../src/chat/moderation.ts";
import type { Message, RoomEvent } from "../../src/shared/api.ts";
import { signUp, type TestUser } from "../helpers/client.ts";
import { forEachDatabase, rawRows } from "../helpers/databases.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { failure, failureCode, recordNotifications } from "../helpers/trpc.ts";

forEachDatabase(() => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  let recorder: ReturnType<typeof recordNotifications> | null = null;
  afterEach(() => {
    recorder?.restore();
    recorder = null;
  });

  const missing = 987_654;
  let rooms = 0;

  type Cast = {
    id: number;
    owner: TestUser;
    moderator: TestUser;
    member: TestUser;
    other: TestUser;
    outsider: TestUser;
  };

  /** A room with its owner, a moderator, two members, and someone outside it. */
  async function cast(options: { private?: boolean } = {}): Promise<Cast> {
    const [owner, moderator, member, other, outsider] = await Promise.all(
      Array.from({ length: 5 }, () => signUp(server.url)),
    );
    if (!owner || !moderator || !member || !other || !outsider) throw new Error("signup failed");
    rooms += 1;
    const { id } = await owner.trpc.rooms.create.mutate({ name: `Room ${rooms}`, private: options.private });
    for (const person of [moderator, member, other]) {
      await owner.trpc.rooms.invite.mutate({ id, username: person.user.username });
    }
    await owner.trpc.rooms.setRole.mutate({ id, userId: moderator.user.id, role: "moderator" });
    return { id, owner, moderator, member, other, outsider };
  }

  /** NOT_FOUND, with the same message as the same call on a room that does not exist. */
  async function expectHidden(call: (id: number) => Promise<unknown>, id: number) {
    const onReal = await failure(call(id));
    const onMissing = await failure(call(missing));
    expect(onReal.data?.code).toBe("NOT_FOUND");
    expect(onReal.message).toBe(onMissing.message);
  }

  async function lastEvent(reader: TestUser, id: number): Promise<Message> {
    const page = await reader.trpc.history.messages.query({ conversationId: id });
    const line = page.items.at(-1);
    if (!line?.event) throw new Error("the room's last message is not a system line");
    return line;
  }

  async function expectLine(reader: TestUser, id: number, actor: TestUser, event: RoomEvent) {
    const line = await lastEvent(reader, id);
    expect(line).toMatchObject({ senderId: actor.user.id, body: "", event });
  }

  describe("roles", () => {
    test("the creator owns the room; the member list shows roles and presence, members only", async () => {
      const c = await cast();
      const list = await c.member.trpc.rooms.members.query({ id: c.id });
      // The owner, the moderators, then the members (by name).
      expect(list.slice(0, 2).map((m) => [m.user.id, m.role])).toEqual([
        [c.owner.user.id, "owner"],
        [c.moderator.user.id, "moderator"],
      ]);
      expect(list.slice(2).map((m) => m.role)).toEqual(["member", "member"]);
      expect(new Set(list.slice(2).map((m) => m.user.id))).toEqual(new Set([c.member.user.id, c.other.user.id]));
      expect(list[0]?.user).toMatchObject({ username: c.owner.user.username, online: false });
      expect((await c.member.trpc.history.conversations.query())[0]?.room).toEqual({
        topic: "",
        memberCount: 4,
        role: "member",
        private: false,
        archived: false,
      });
      await expectHidden((id) => c.outsider.trpc.rooms.members.query({ id }), c.id);
    });

    test("only the owner makes and unmakes moderators", async () => {
      const c = await cast();
      for (const who of [c.moderator, c.member]) {
        expect(
          await failureCode(who.trpc.rooms.setRole.mutate({ id: c.id, userId: c.other.user.id, role: "moderator" })),
        ).toBe("FORBIDDEN");
      }
      await expectHidden(
        (id) => c.outsider.trpc.rooms.setRole.mutate({ id, userId: c.other.user.id, role: "moderator" }),
        c.id,
      );
      await c.owner.trpc.rooms.setRole.mutate({ id: c.id, userId: c.other.user.id, role: "moderator" });
      await expectLine(c.member, c.id, c.owner, { type: "role", userId: c.other.user.id, role: "moderator" });
      await c.owner.trpc.rooms.setRole.mutate({ id: c.id, userId: c.moderator.user.id, role: "member" });
      await expectLine(c.member, c.id, c.owner, { type: "role", userId: c.moderator.user.id, role: "member" });
      // Not a member: NOT_FOUND; the owner's own role: BAD_REQUEST (hand the room over instead).
      expect(
        await failureCode(
          c.owner.trpc.rooms.setRole.mutate({ id: c.id, userId: c.outsider.user.id, role: "moderator" }),
        ),
      ).toBe("NOT_FOUND");
      expect(
        await failureCode(c.owner.trpc.rooms.setRole.mutate({ id: c.id, userId: c.owner.user.id, role: "member" })),
      ).toBe("BAD_REQUEST");
    });

    test("deleting others' messages (mayDeleteOthersMessages): the owner and moderators of a room, nobody in a direct conversation", async () => {
      const c = await cast();
      const db = server.deps.db;
      expect(await mayModerate(db, c.owner.user.id, c.id)).toBe(true);
      expect(await mayModerate(db, c.moderator.user.id, c.id)).toBe(true);
      expect(await mayModerate(db, c.member.user.id, c.id)).toBe(false);
      expect(await mayModerate(db, c.outsider.user.id, c.id)).toBe(false);
      const direct = await c.owner.trpc.history.send.mutate({ to: { userId: c.member.user.id }, body: "hi" });
      expect(await mayModerate(db, c.owner.user.id, direct.conversationId)).toBe(false);
    });
  });

  describe("invitations", () => {
    test("any member invites to a public room, by username whatever its case; the invitee is in at once", async () => {
      const c = await cast();
      const newcomer = await signUp(server.url);
      recorder = recordNotifications(server.deps);
      const added = await c.member.trpc.rooms.invite.mutate({
        id: c.id,
        username: newcomer.user.username.toUpperCase(),
      });
      expect(added).toMatchObject({ user: { id: newcomer.user.id }, role: "member" });
      expect(recorder.of("conversationAdded").map(([userId]) => userId)).toEqual([newcomer.user.id]);
      expect((await newcomer.trpc.history.conversations.query()).map((v) => v.id)).toEqual([c.id]);
      await expectLine(newcomer, c.id, c.member, { type: "invited", userId: newcomer.user.id });
    });

    test("refusals: an unknown or deactivated name NOT_FOUND on the field, a member CONFLICT, an outsider NOT_FOUND", async () => {
      const c = await cast();
      const unknown = await failure(c.member.trpc.rooms.invite.mutate({ id: c.id, username: "nobody_here_at_all" }));
      expect(unknown.data?.code).toBe("NOT_FOUND");
      expect(unknown.data?.fields?.username).toBeDefined();
      const again = await failure(c.member.trpc.rooms.invite.mutate({ id: c.id, username: c.other.user.username }));
      expect(again.data?.code).toBe("CONFLICT");
      expect(again.data?.fields?.username).toBeDefined();
      await expectHidden((id) => c.outsider.trpc.rooms.invite.mutate({ id, username: c.outsider.user.username }), c.id);
    });

    test("a private room is not listed, not joinable, and only moderators and the owner invite to it", async () => {
      const c = await cast({ private: true });
      expect((await c.outsider.trpc.rooms.list.query()).items.map((r) => r.id)).not.toContain(c.id);
      expect((await c.member.trpc.rooms.list.query()).items.find((r) => r.id === c.id)).toMatchObject({
        joined: true,
        private: true,
      });
      await expectHidden((id) => c.outsider.trpc.rooms.join.mutate({ id }), c.id);
      expect(
        await failureCode(c.member.trpc.rooms.invite.mutate({ id: c.id, username: c.outsider.user.username })),
      ).toBe("FORBIDDEN");
      await c.moderator.trpc.rooms.invite.mutate({ id: c.id, username: c.outsider.user.username });
      expect((await c.outsider.trpc.history.messages.query({ conversationId: c.id })).items.length).toBeGreaterThan(0);
      // Leaving a private room means needing a new invitation.
      await c.outsider.trpc.rooms.leave.mutate({ id: c.id });
      await expectHidden((id) => c.outsider.trpc.rooms.join.mutate({ id }), c.id);
    });
  });

  describe("removing members", () => {
    test("a moderator removes a member, who can no longer read and whose clients drop the room", async () => {
      const c = await cast();
      const said = await c.member.trpc.history.send.mutate({ to: { conversationId: c.id }, body: "still here" });
      recorder = recordNotifications(server.deps);
      await c.moderator.trpc.rooms.remove.mutate({ id: c.id, userId: c.member.user.id });
      expect(recorder.of("conversationRemoved")).toEqual([[c.member.user.id, c.id]]);
      await expectHidden((id) => c.member.trpc.history.messages.query({ conversationId: id }), c.id);
      expect(await failureCode(c.member.trpc.history.get.query({ id: said.id }))).toBe("NOT_FOUND");
      expect(
        await failureCode(c.member.trpc.history.send.mutate({ to: { conversationId: c.id }, body: "let me back" })),
      ).toBe("NOT_FOUND");
      expect(await c.member.trpc.history.conversations.query()).toEqual([]);
      await expectLine(c.owner, c.id, c.moderator, { type: "removed", userId: c.member.user.id });
      expect((await c.owner.trpc.history.conversations.query())[0]?.room?.memberCount).toBe(3);
    });

    test("members may not remove; moderators may not remove moderators or the owner; the owner removes anyone", async () => {
      const c = await cast();
      expect(await failureCode(c.member.trpc.rooms.remove.mutate({ id: c.id, userId: c.other.user.id }))).toBe(
        "FORBIDDEN",
      );
      expect(await failureCode(c.moderator.trpc.rooms.remove.mutate({ id: c.id, userId: c.owner.user.id }))).toBe(
        "FORBIDDEN",
      );
      await c.owner.trpc.rooms.setRole.mutate({ id: c.id, userId: c.other.user.id, role: "moderator" });
      expect(await failureCode(c.moderator.trpc.rooms.remove.mutate({ id: c.id, userId: c.other.user.id }))).toBe(
        "FORBIDDEN",
      );
      await expectHidden((id) => c.outsider.trpc.rooms.remove.mutate({ id, userId: c.member.user.id }), c.id);
      expect(await failureCode(c.owner.trpc.rooms.remove.mutate({ id: c.id, userId: c.owner.user.id }))).toBe(
        "BAD_REQUEST",
      );
      expect(await failureCode(c.owner.trpc.rooms.remove.mutate({ id: c.id, userId: c.outsider.user.id }))).toBe(
        "NOT_FOUND",
      );
      await c.owner.trpc.rooms.remove.mutate({ id: c.id, userId: c.moderator.user.id });
      await expectHidden((id) => c.moderator.trpc.rooms.members.query({ id }), c.id);
    });
  });

  describe("ownership", () => {
    test("the owner hands the room over and stays on as a moderator; nobody else may", async () => {
      const c = await cast();
      for (const who of [c.moderator, c.member]) {
        expect(await failureCode(who.trpc.rooms.transfer.mutate({ id: c.id, userId: who.user.id }))).toBe("FORBIDDEN");
      }
      await expectHidden((id) => c.outsider.trpc.rooms.transfer.mutate({ id, userId: c.outsider.user.id }), c.id);
      await c.owner.trpc.rooms.transfer.mutate({ id: c.id, userId: c.member.user.id });
      await expectLine(c.other, c.id, c.owner, { type: "owner", userId: c.member.user.id });
      const roles = new Map((await c.other.trpc.rooms.members.query({ id: c.id })).map((m) => [m.user.id, m.role]));
      expect(roles.get(c.member.user.id)).toBe("owner");
      expect(roles.get(c.owner.user.id)).toBe("moderator");
    });

    test("an owner who leaves hands the room to the longest-standing moderator", async () => {
      const c = await cast();
      await c.owner.trpc.rooms.leave.mutate({ id: c.id });
      const page = await c.member.trpc.history.messages.query({ conversationId: c.id });
      expect(page.items.slice(-2).map((m) => m.event)).toEqual([
        { type: "owner", userId: c.moderator.user.id },
        { type: "left" },
      ]);
      expect((await c.moderator.trpc.history.conversations.query())[0]?.room?.role).toBe("owner");
    });
  });

  describe("name and topic", () => {
    test("moderators and the owner rename the room, seen by every member as a system line", async () => {
      const c = await cast();
      expect(await failureCode(c.member.trpc.rooms.rename.mutate({ id: c.id, name: "Mine now" }))).toBe("FORBIDDEN");
      await expectHidden((id) => c.outsider.trpc.rooms.rename.mutate({ id, name: "Mine now" }), c.id);
      const before = (await c.member.trpc.history.conversations.query())[0]?.name ?? "";
      recorder = recordNotifications(server.deps);
      await c.moderator.trpc.rooms.rename.mutate({ id: c.id, name: `  Renamed ${c.id}  ` });
      const [[published]] = recorder.of("message") as [[Message]];
      expect(published.event).toEqual({ type: "renamed", from: before, to: `Renamed ${c.id}` });
      await expectLine(c.member, c.id, c.moderator, { type: "renamed", from: before, to: `Renamed ${c.id}` });
      expect((await c.member.trpc.history.conversations.query())[0]?.name).toBe(`Renamed ${c.id}`);
      // Names stay unique, whatever their case.
      const other = await c.owner.trpc.rooms.create.mutate({ name: `Taken ${c.id}` });
      const taken = await failure(c.owner.trpc.rooms.rename.mutate({ id: c.id, name: `TAKEN ${c.id}` }));
      expect(taken.data?.code).toBe("CONFLICT");
      expect(taken.data?.fields?.name).toBeDefined();
      expect(other.id).not.toBe(c.id);
    });

    test("moderators and the owner set the topic; a topic is one line of at most 250 characters", async () => {
      const c = await cast();
      expect(await failureCode(c.member.trpc.rooms.setTopic.mutate({ id: c.id, topic: "mine" }))).toBe("FORBIDDEN");
      await expectHidden((id) => c.outsider.trpc.rooms.setTopic.mutate({ id, topic: "mine" }), c.id);
      await c.moderator.trpc.rooms.setTopic.mutate({ id: c.id, topic: " Books, monthly " });
      await expectLine(c.member, c.id, c.moderator, { type: "topic", topic: "Books, monthly" });
      expect((await c.member.trpc.history.conversations.query())[0]?.room?.topic).toBe("Books, monthly");
      expect(await failureCode(c.owner.trpc.rooms.setTopic.mutate({ id: c.id, topic: "x".repeat(251) }))).toBe(
        "BAD_REQUEST",
      );
      expect(await failureCode(c.owner.trpc.rooms.setTopic.mutate({ id: c.id, topic: "two\nlines" }))).toBe(
        "BAD_REQUEST",
      );
      // Setting the same topic again changes nothing and says nothing.
      const seqBefore = (await lastEvent(c.member, c.id)).seq;
      await c.owner.trpc.rooms.setTopic.mutate({ id: c.id, topic: "Books, monthly" });
      expect((await lastEvent(c.member, c.id)).seq).toBe(seqBefore);
    });
  });

  describe("archiving", () => {
    test("the owner archives: read-only, hidden from the list, still readable; and brings it back", async () => {
      const c = await cast();
      const said = await c.member.trpc.history.send.mutate({ to: { conversationId: c.id }, body: "for the record" });
      expect(await failureCode(c.moderator.trpc.rooms.setArchived.mutate({ id: c.id, archived: true }))).toBe(
        "FORBIDDEN",
      );
      await expectHidden((id) => c.outsider.trpc.rooms.setArchived.mutate({ id, archived: true }), c.id);
      await c.owner.trpc.rooms.setArchived.mutate({ id: c.id, archived: true });
      await expectLine(c.member, c.id, c.owner, { type: "archived", archived: true });
      expect((await c.member.trpc.history.conversations.query())[0]?.room?.archived).toBe(true);
      expect((await c.outsider.trpc.rooms.list.query()).items.map((r) => r.id)).not.toContain(c.id);
      expect((await c.member.trpc.rooms.list.query()).items.map((r) => r.id)).not.toContain(c.id);
      expect((await c.member.trpc.history.get.query({ id: said.id })).body).toBe("for the record");
      // Read-only: no messages, no changes, no newcomers.
      expect(
        await failureCode(c.member.trpc.history.send.mutate({ to: { conversationId: c.id }, body: "hello?" })),
      ).toBe("FORBIDDEN");
      expect(await failureCode(c.owner.trpc.rooms.rename.mutate({ id: c.id, name: `Archived ${c.id}` }))).toBe(
        "FORBIDDEN",
      );
      expect(
        await failureCode(c.owner.trpc.rooms.invite.mutate({ id: c.id, username: c.outsider.user.username })),
      ).toBe("FORBIDDEN");
      await expectHidden((id) => c.outsider.trpc.rooms.join.mutate({ id }), c.id);
      await c.owner.trpc.rooms.setArchived.mutate({ id: c.id, archived: false });
      await c.member.trpc.history.send.mutate({ to: { conversationId: c.id }, body: "back again" });
    });
  });

  describe("the change stream", () => {
    test("each system line takes the room's next number and is published after its commit", async () => {
      const c = await cast();
      const start = (await c.member.trpc.history.messages.query({ conversationId: c.id })).stream?.seq ?? 0;
      const readAtPublish: Promise<void>[] = [];
      recorder = recordNotifications(server.deps, (n) => {
        if (n.kind !== "message") return;
        // At the moment of publishing, the line is already readable: it was committed first.
        // (The read is sent now, checked below: PostgreSQL answers asynchronously.)
        const line = n.args[0] as Message;
        readAtPublish.push(
          rawRows(server.deps.database, "select seq from messages where id = ?", line.id).then((rows) =>
            expect(rows[0]).toEqual({ seq: line.seq }),
          ),
        );
      });
      await c.owner.trpc.rooms.setTopic.mutate({ id: c.id, topic: "one" });
      await c.owner.trpc.rooms.rename.mutate({ id: c.id, name: `Stream ${c.id}` });
      const changes = await c.member.trpc.history.changes.query({ conversationId: c.id, after: start });
      expect(changes.messages.map((m) => [m.seq, m.event?.type])).toEqual([
        [start + 1, "topic"],
        [start + 2, "renamed"],
      ]);
      expect(changes.seq).toBe(start + 2);
      expect(recorder.of("message")).toHaveLength(2);
      await Promise.all(readAtPublish);
    });

    test("system lines never count as unread", async () => {
      const c = await cast();
      await c.owner.trpc.rooms.setTopic.mutate({ id: c.id, topic: "quiet" });
      expect((await c.member.trpc.history.conversations.query())[0]?.unread).toBe(0);
    });
  });
});
