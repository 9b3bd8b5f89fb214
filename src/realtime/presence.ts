// Who is online. The realtime layer records sockets opening and closing; the chat
// domain reads it to fill `online` in user summaries.
export interface Presence {
  /** The subset of `userIds` with at least one open socket on any instance. */
  online(userIds: readonly number[]): Promise<Set<number>>;
}
