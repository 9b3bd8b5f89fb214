// Which passwords signup refuses: the common ones (the ~49,000 most used, ranked from
// real leaks, in zxcvbn-ts's maintained list), only whitespace, and the account's own
// username or email. Server-side only: the list is ~400 KB, far over the web budget.
import { type SignupInput, signupInput } from "../shared/api.ts";

type LanguageCommon = typeof import("@zxcvbn-ts/language-common");

let commonPasswords: Set<string> | undefined;

/**
 * The list, read the first time a password is checked. The package decompresses its
 * dictionaries when it loads: the largest single cost of a start (~70 ms) and ~12 MB of
 * idle memory (docs/BENCHMARKS.md), for something only signup and password changes use.
 * A static require, so `bun build` still bundles it into the release executable.
 */
function isCommonPassword(folded: string): boolean {
  if (commonPasswords === undefined) {
    const { dictionary } = require("@zxcvbn-ts/language-common") as LanguageCommon;
    commonPasswords = new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  }
  return commonPasswords.has(folded);
}

/** Why this password cannot be used for this account, or null. */
export function passwordProblem(password: string, account: Pick<SignupInput, "username" | "email">): string | null {
  const folded = password.trim().toLowerCase();
  if (folded === "") return "A password cannot be only spaces";
  if (isCommonPassword(folded)) return "This password is one of the most common: choose another";
  if (folded === account.username.toLowerCase() || folded === account.email.toLowerCase()) {
    return "A password cannot be your username or email";
  }
  return null;
}

/** The signup body as the server checks it: the shared rules, then the password policy. */
export const signupRequest = signupInput.superRefine((input, context) => {
  const problem = passwordProblem(input.password, input);
  if (problem) context.addIssue({ code: "custom", path: ["password"], message: problem });
});
