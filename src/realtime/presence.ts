// Who is online. The realtime layer records a user's first socket opening and last socket
// closing on this instance; the chat domain reads `online()` to fill user summaries.
// In-process (local-presence.ts) when there is no Redis; with Redis (redis-presence.ts),
// shared by every instance.

export interface Presence {
  /** The subset of `userIds` with at least one open socket on any instance. */
  online(userIds: readonly number[]): Promise<Set<number>>;
  /** The user's first socket on this instance opened. True when they just came online everywhere. */
  connected(userId: number): Promise<boolean>;
  /** The user's last socket on this instance closed. True when they are now offline everywhere. */
  disconnected(userId: number): Promise<boolean>;
  /** Changes no local socket caused: another instance crashed, or Redis came back. */
  onChange(handler: (userId: number, online: boolean) => void): void;
  /** Refreshes this instance's entries and expires those of crashed instances (also on a timer). */
  heartbeat(): Promise<void>;
  /** Where presence is kept now: this process only, Redis, or Redis configured but away. */
  state(): "local" | "redis" | "degraded";
  close(): Promise<void>;
}
