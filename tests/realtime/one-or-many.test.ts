// The hub's sets that keep a lone member without a Set: they must still behave as sets
// through growing, shrinking back to one, and emptying.
import { expect, test } from "bun:test";
import {
  addToEntry,
  hasMember,
  memberCount,
  membersOf,
  type OneOrMany,
  removeFromEntry,
  withMember,
  withoutMember,
} from "../../src/realtime/one-or-many.ts";

test("one member is kept as itself, a Set from the second, and itself again when one is left", () => {
  const a = { name: "a" };
  const b = { name: "b" };
  let members: OneOrMany<typeof a> = withMember(undefined, a);
  expect(members).toBe(a);
  expect(withMember(members, a)).toBe(a);
  members = withMember(members, b);
  expect(members).toBeInstanceOf(Set);
  expect([...membersOf(members)]).toEqual([a, b]);
  expect(memberCount(members)).toBe(2);
  expect(hasMember(members, b)).toBe(true);
  members = withoutMember(members, a);
  expect(members).toBe(b);
  expect(hasMember(members, a)).toBe(false);
  expect(withoutMember(members, a)).toBe(b);
  members = withoutMember(members, b);
  expect(members).toBeUndefined();
  expect(memberCount(members)).toBe(0);
  expect([...membersOf(members)]).toEqual([]);
});

test("a map's entry goes with its last member, and says when a key gets its first", () => {
  const map = new Map<string, number | Set<number>>();
  expect(addToEntry(map, "t", 1)).toBe(true);
  expect(addToEntry(map, "t", 2)).toBe(false);
  expect(addToEntry(map, "t", 3)).toBe(false);
  expect(memberCount(map.get("t"))).toBe(3);
  removeFromEntry(map, "t", 2);
  removeFromEntry(map, "t", 9);
  expect([...membersOf(map.get("t"))]).toEqual([1, 3]);
  removeFromEntry(map, "t", 1);
  expect(map.get("t")).toBe(3);
  removeFromEntry(map, "t", 3);
  expect(map.has("t")).toBe(false);
  removeFromEntry(map, "t", 3);
  expect(map.size).toBe(0);
});
