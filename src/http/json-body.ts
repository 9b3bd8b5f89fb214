// Reading a JSON request body within bounds: the media type, the size, and the nesting
// depth are checked before anything else looks at it, so that no body costs more than a
// scan of its bytes (a 60 KB body nested tens of thousands of levels deep used to stall
// the process for seconds in validation).
import { AppError } from "../shared/errors.ts";

/** Deeper than any input of the contract (a tRPC batch of sends is 4 levels). */
export const MAX_JSON_DEPTH = 16;

/** Is the request's media type application/json (parameters such as charset allowed)? */
export function isJsonContentType(request: Request): boolean {
  const type = request.headers.get("content-type")?.split(";", 1)[0]?.trim().toLowerCase();
  return type === "application/json";
}

/** Does this JSON text nest arrays and objects deeper than `max`? One pass, no parsing. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The checked text of a JSON body; throws the contract's error for each refusal. */
export async function readJsonText(request: Request, maxBytes: number): Promise<string> {
  if (!isJsonContentType(request)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  const text = new TextDecoder().decode(bytes);
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new AppError("BAD_REQUEST", `The body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return text;
}

/** The parsed body, checked as readJsonText does. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readJsonText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON");
  }
}

const tooLarge = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `Bodies here are limited to ${maxBytes} bytes`);
