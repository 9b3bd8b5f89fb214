// Headers every response carries, whatever produced it (JSON, errors, files, metrics).
// A route that serves HTML sets its own Content-Security-Policy, which replaces this
// default (index.html, the API docs).
export const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
  // Nothing but HTML pages needs to load anything; they bring their own policy.
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
} as const;
