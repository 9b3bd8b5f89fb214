// Names people choose (first, last, room): what they may contain, and how two room names
// are compared. Shared with the web client, which checks the same rules as you type.

/**
 * The key two room names are compared by: NFC, then Unicode case folding ("Ärger",
 * "ärger" and "ÄRGER" are one name; so are "Straße" and "STRASSE"). JavaScript has no
 * case-fold function; upper- then lower-casing applies the full folding of the Unicode
 * case mappings (ß → SS → ss, final ς → Σ → σ), and NFC again settles what the case
 * mapping decomposed.
 */
export function roomNameKey(name: string): string {
  return name.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

// C0 and C1 controls (NUL, BEL, ESC, newlines, DEL…): never part of a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
// Bidirectional embeddings, overrides and isolates, and the marks: "\u202Enimda" would
// display as "admin". (Bodies may carry them; the client isolates all user text.)
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Why a name cannot be used, or null when it can. */
export function nameProblem(name: string): string | null {
  if (!name.isWellFormed()) return "Names must be valid text";
  if (CONTROL.test(name)) return "Names cannot contain control characters";
  if (BIDI_CONTROL.test(name)) return "Names cannot contain text-direction controls";
  return null;
}
