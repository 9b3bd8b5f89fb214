// A failed call in the person's language: the client's own words when the server could
// not be reached, else the server's message.
import type { ApiFailure } from "../api/client.ts";
import type { Translate } from "./index.ts";

export function failureText(t: Translate, failure: ApiFailure): string {
  return failure.code === "NETWORK" ? t("errors.network") : failure.message;
}
