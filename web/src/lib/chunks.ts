// The message list cut into chunks of consecutive rows, so that the browser can leave the
// chunks off screen out of style, layout and paint (content-visibility: auto on each chunk;
// one per row costs more than it saves: the browser checks each one against the viewport
// on every frame). A row keeps its chunk for as long as it is loaded: a live message joins
// the last chunk (or starts the next), an older page makes chunks of its own, and a row
// inserted between two of a chunk's rows joins that chunk. So an update changes one or two
// chunks and never moves a row to another one (which would rebuild its DOM).

export type Chunk = { readonly key: number; readonly ids: readonly number[] };

/** Rows per chunk: small enough that a chunk's layout is cheap, large enough that few are watched. */
export const CHUNK_SIZE = 50;

export function createChunker(size = CHUNK_SIZE) {
  let chunks: readonly Chunk[] = [];
  let flat: readonly number[] = [];
  let lastKey = 0;

  /** Ids placed in new chunks of `size`, the partial one first or last. */
  const newChunks = (run: readonly number[], partialFirst: boolean): Chunk[] => {
    const made: Chunk[] = [];
    const head = run.length % size;
    let from = 0;
    if (partialFirst && head > 0) {
      made.push({ key: ++lastKey, ids: run.slice(0, head) });
      from = head;
    }
    for (; from < run.length; from += size) made.push({ key: ++lastKey, ids: run.slice(from, from + size) });
    return made;
  };

  /** Appends `run` after `chunks`: the last chunk is filled up first. */
  const append = (before: readonly Chunk[], run: readonly number[]): Chunk[] => {
    const last = before.at(-1);
    const room = last ? size - last.ids.length : 0;
    if (!last || room <= 0) return [...before, ...newChunks(run, false)];
    const filled = { key: last.key, ids: [...last.ids, ...run.slice(0, room)] };
    return [...before.slice(0, -1), filled, ...newChunks(run.slice(room), false)];
  };

  /** Any change: each id keeps its chunk, new ones are placed by their neighbours. */
  const regroup = (ids: readonly number[]): Chunk[] => {
    const chunkOf = new Map<number, number>();
    for (const chunk of chunks) for (const id of chunk.ids) chunkOf.set(id, chunk.key);
    const groups: { key: number; ids: number[] }[] = [];
    const used = new Set<number>();
    let at = 0;
    while (at < ids.length) {
      const id = ids[at] as number;
      const key = chunkOf.get(id);
      if (key !== undefined) {
        const last = groups.at(-1);
        if (last?.key === key) last.ids.push(id);
        else {
          // A chunk split in two (by a reordering) keeps its key for its first part only.
          const fresh = used.has(key) ? ++lastKey : key;
          used.add(fresh);
          groups.push({ key: fresh, ids: [id] });
        }
        at += 1;
        continue;
      }
      let end = at;
      while (end < ids.length && !chunkOf.has(ids[end] as number)) end += 1;
      const run = ids.slice(at, end);
      const last = groups.at(-1);
      const next = end < ids.length ? chunkOf.get(ids[end] as number) : undefined;
      if (last && last.key === next) last.ids.push(...run);
      else {
        const room = last ? Math.max(0, size - last.ids.length) : 0;
        last?.ids.push(...run.slice(0, room));
        for (const chunk of newChunks(run.slice(room), !last)) groups.push({ key: chunk.key, ids: [...chunk.ids] });
      }
      at = end;
    }
    return groups;
  };

  /** The chunks for these ids (in list order); an unchanged chunk is the same object as before. */
  return (ids: readonly number[]): readonly Chunk[] => {
    let next: readonly Chunk[];
    const grown = ids.length - flat.length;
    if (flat.length === 0) next = newChunks(ids, true);
    else if (grown >= 0 && startsWith(ids, flat, 0)) next = append(chunks, ids.slice(flat.length));
    else if (grown > 0 && startsWith(ids, flat, grown)) next = [...newChunks(ids.slice(0, grown), true), ...chunks];
    else next = regroup(ids);
    const previous = new Map(chunks.map((chunk) => [chunk.key, chunk]));
    chunks = next.map((chunk) => {
      const before = previous.get(chunk.key);
      return before && sameIds(before.ids, chunk.ids) ? before : chunk;
    });
    flat = ids;
    return chunks;
  };
}

/** Whether `ids` holds all of `part`, in order, from `offset` on. */
function startsWith(ids: readonly number[], part: readonly number[], offset: number): boolean {
  for (let i = 0; i < part.length; i += 1) if (ids[offset + i] !== part[i]) return false;
  return true;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && startsWith(a, b, 0);
}
