// The people the signed-in person blocked: loaded on every (re)connect, changed by the
// person's own block and unblock. Rooms fold these people's messages; a direct
// conversation with them says it is blocked instead of offering the composer.
import { createSignal } from "solid-js";
import type { UserSummary } from "../../../src/shared/api.ts";
import type { Api } from "../api/client.ts";

export function createBlocksStore(api: Api) {
  const [list, setList] = createSignal<UserSummary[]>([]);
  const load = async () => {
    try {
      setList(await api.trpc.account.blocks.query());
    } catch {
      // Kept as it was; the next reconnect tries again.
    }
  };
  return {
    list,
    load,
    has: (userId: number) => list().some((u) => u.id === userId),
    async block(user: UserSummary) {
      await api.trpc.account.block.mutate({ userId: user.id });
      await load();
    },
    async unblock(userId: number) {
      await api.trpc.account.unblock.mutate({ userId });
      setList((current) => current.filter((u) => u.id !== userId));
    },
  };
}
