// One id per HTTP request (and per socket upgrade), on its access line, every error
// line it causes and the x-request-id response header. A caller's own id (a proxy's)
// is kept when it is a plain token; anything else gets a fresh one, so a header cannot
// write arbitrary text into the logs.
const ids = new WeakMap<Request, string>();
const PLAIN_ID = /^[\w.:-]{1,64}$/;

export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const given = request.headers.get("x-request-id") ?? "";
    id = PLAIN_ID.test(given) ? given : crypto.randomUUID();
    ids.set(request, id);
  }
  return id;
}
