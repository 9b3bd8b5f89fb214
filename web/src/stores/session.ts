// Who is signed in: loaded from users.me at start (the cookie survives reloads), set by
// login and signup, cleared by logout or when the server says the session is over.
// A marker in localStorage remembers that this browser signed in: without it the start
// skips the probe, so a signed-out visit to the login page asks nothing and logs no 401
// (the session cookie is httpOnly; the page cannot see it).
import { createSignal } from "solid-js";
import type { LoginInput, SignupInput, User } from "../../../src/shared/api.ts";
import { type Api, type ApiFailure, toFailure } from "../api/client.ts";

export type SessionStatus = "loading" | "signed-in" | "signed-out" | "unreachable";

const SIGNED_IN_MARKER = "parley.signedIn";

export function createSessionStore(api: Api, storage?: Storage) {
  const marker = {
    present: () => {
      try {
        return storage?.getItem(SIGNED_IN_MARKER) === "1";
      } catch {
        return true; // Storage blocked: ask the server, as before.
      }
    },
    set(on: boolean) {
      try {
        if (on) storage?.setItem(SIGNED_IN_MARKER, "1");
        else storage?.removeItem(SIGNED_IN_MARKER);
      } catch {
        // Storage blocked: the next start asks the server.
      }
    },
  };
  const [user, setUser] = createSignal<User | null>(null);
  const [status, setStatus] = createSignal<SessionStatus>("loading");
  const [wasEnded, setWasEnded] = createSignal(false);

  const signedIn = (next: User) => {
    marker.set(true);
    setUser(next);
    setWasEnded(false);
    setStatus("signed-in");
  };

  return {
    user,
    status,
    /** Whether the server ended the session (the login page says so). */
    wasEnded,

    async load() {
      if (!marker.present()) {
        setStatus("signed-out");
        return;
      }
      setStatus("loading");
      try {
        signedIn(await api.trpc.users.me.query());
      } catch (error) {
        const failure = toFailure(error);
        setUser(null);
        if (failure.code !== "NETWORK") marker.set(false);
        setStatus(failure.code === "NETWORK" ? "unreachable" : "signed-out");
      }
    },

    async login(input: LoginInput): Promise<ApiFailure | null> {
      try {
        const { data, error } = await api.auth.login.post(input);
        if (error || !data) return toFailure(error);
        signedIn(data.user);
        return null;
      } catch (error) {
        return toFailure(error);
      }
    },

    /** null: signed in; "verify": the account waits for its email address to be confirmed. */
    async signup(input: SignupInput): Promise<ApiFailure | "verify" | null> {
      try {
        const { data, error } = await api.auth.signup.post(input);
        if (error || !data) return toFailure(error);
        if ("emailVerification" in data) return "verify";
        signedIn(data.user);
        return null;
      } catch (error) {
        return toFailure(error);
      }
    },

    async logout() {
      try {
        await api.auth.logout.post();
      } catch {
        // Signed out locally either way; the cookie expires on its own.
      }
      marker.set(false);
      setUser(null);
      setStatus("signed-out");
    },

    /** The person's own profile changed (here, or in another of their browsers). */
    profileChanged(next: Pick<User, "firstName" | "lastName" | "bio" | "avatar">) {
      const current = user();
      if (current) {
        setUser({ ...current, firstName: next.firstName, lastName: next.lastName, bio: next.bio, avatar: next.avatar });
      }
    },

    /** The server ended the session (401, or the socket closed with 1008). */
    ended() {
      if (status() !== "signed-in") return;
      marker.set(false);
      setUser(null);
      setWasEnded(true);
      setStatus("signed-out");
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
