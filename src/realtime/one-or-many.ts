// A set of members that holds a lone member as itself and becomes a Set from the second.
// The hub keeps three such sets per socket (its topics, its user's sockets, its user
// topic's sockets), and nearly all of them hold one member: a one-element Set costs ~270
// bytes of live heap, the lone value nothing (docs/BENCHMARKS.md, "Idle sockets").
// Members must not themselves be Sets.

/** No member, one member as itself, or a Set of two or more. */
export type OneOrMany<T> = T | Set<T> | undefined;

/** The members with `value` added (the same Set, grown, once there are two or more). */
export function withMember<T>(members: OneOrMany<T>, value: T): T | Set<T> {
  if (members === undefined || members === value) return value;
  if (members instanceof Set) return members.add(value);
  return new Set([members, value]);
}

/** The members without `value`: a Set left with one member gives way to that member. */
export function withoutMember<T>(members: OneOrMany<T>, value: T): OneOrMany<T> {
  if (!(members instanceof Set)) return members === value ? undefined : members;
  members.delete(value);
  if (members.size !== 1) return members;
  const [lone] = members;
  return lone;
}

export function hasMember<T>(members: OneOrMany<T>, value: T): boolean {
  return members instanceof Set ? members.has(value) : members !== undefined && members === value;
}

export function memberCount<T>(members: OneOrMany<T>): number {
  if (members === undefined) return 0;
  return members instanceof Set ? members.size : 1;
}

/** The members to iterate; a Set is returned as it is, so copy it before changing it in the loop. */
export function membersOf<T>(members: OneOrMany<T>): Iterable<T> {
  if (members === undefined) return [];
  return members instanceof Set ? members : [members];
}

/** `withMember` on a map's entry. True when the key had no member before. */
export function addToEntry<K, T>(map: Map<K, T | Set<T>>, key: K, value: T): boolean {
  const members = map.get(key);
  const grown = withMember(members, value);
  if (grown !== members) map.set(key, grown);
  return members === undefined;
}

/** `withoutMember` on a map's entry; the key goes with its last member. */
export function removeFromEntry<K, T>(map: Map<K, T | Set<T>>, key: K, value: T): void {
  const members = map.get(key);
  if (members === undefined) return;
  const rest = withoutMember(members, value);
  if (rest === undefined) map.delete(key);
  else if (rest !== members) map.set(key, rest);
}
