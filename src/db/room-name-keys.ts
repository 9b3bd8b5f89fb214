// Fills conversations.name_key for rooms made before it existed (migration 0003). The key
// is computed in code (NFC and Unicode case folding), which SQL cannot do, so it runs at
// start-up after the migrations, on the rows still without one: once, in effect.
import type { Database } from "bun:sqlite";
import { roomNameKey } from "../shared/names.ts";
import { isUniqueViolation } from "./errors.ts";

export function backfillRoomNameKeys(sqlite: Database): number {
  const rooms = sqlite
    .query<{ id: number; name: string }, []>(
      "select id, name from conversations where kind = 'room' and name_key is null and name is not null order by id",
    )
    .all();
  if (rooms.length === 0) return 0;
  const setKey = sqlite.query("update conversations set name_key = ? where id = ? and name_key is null");
  sqlite.transaction(() => {
    for (const room of rooms) {
      const key = roomNameKey(room.name);
      try {
        setKey.run(key, room.id);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Two rooms the old ASCII-only comparison told apart ("Ärger" and "ärger"): the
        // older keeps the name's key, the newer a key of its own, so both stay findable.
        setKey.run(`${key}\u0000${room.id}`, room.id);
      }
    }
  })();
  return rooms.length;
}
