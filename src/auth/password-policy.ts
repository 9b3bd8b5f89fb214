// Which passwords signup refuses: the common ones (the ~49,000 most used, ranked from
// real leaks, in zxcvbn-ts's maintained list), only whitespace, and the account's own
// username or email. Server-side only: the list is ~400 KB, far over the web budget.
import { dictionary } from "@zxcvbn-ts/language-common";
import { type SignupInput, signupInput } from "../shared/api.ts";

const COMMON_PASSWORDS = new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));

/** Why this password cannot be used for this account, or null. */
export function passwordProblem(password: string, account: Pick<SignupInput, "username" | "email">): string | null {
  const folded = password.trim().toLowerCase();
  if (folded === "") return "A password cannot be only spaces";
  if (COMMON_PASSWORDS.has(folded)) return "This password is one of the most common: choose another";
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
