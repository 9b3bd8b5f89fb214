// The message list's chunks: a row keeps its chunk while loaded, updates touch few chunks.
import { describe, expect, test } from "bun:test";
import { type Chunk, createChunker } from "../../web/src/lib/chunks.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const shape = (chunks: readonly Chunk[]) => chunks.map((chunk) => chunk.ids.length);

describe("createChunker", () => {
  test("a first page is cut with the partial chunk first (the oldest)", () => {
    const chunk = createChunker(4);
    expect(shape(chunk(range(1, 10)))).toEqual([2, 4, 4]);
  });

  test("live messages fill the last chunk, then start the next; the others stay the same objects", () => {
    const chunk = createChunker(4);
    const before = chunk(range(1, 6));
    expect(shape(before)).toEqual([2, 4]);
    const after = chunk(range(1, 7));
    expect(shape(after)).toEqual([2, 4, 1]);
    expect(after[0]).toBe(before[0] as Chunk);
    expect(after[1]).toBe(before[1] as Chunk);
    const more = chunk(range(1, 9));
    expect(shape(more)).toEqual([2, 4, 3]);
    expect(more[2]?.key).toBe(after[2]?.key as number);
  });

  test("an older page makes chunks of its own in front", () => {
    const chunk = createChunker(4);
    const before = chunk(range(10, 13));
    const after = chunk(range(4, 13));
    expect(shape(after)).toEqual([2, 4, 4]);
    expect(after[2]).toBe(before[0] as Chunk);
  });

  test("a row inserted between two rows of a chunk joins it, even when full", () => {
    const chunk = createChunker(4);
    const before = chunk([1, 2, 4, 5, 6, 7, 8, 9]);
    const after = chunk([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(after.map((c) => c.ids)).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9],
    ]);
    expect(after[0]?.key).toBe(before[0]?.key as number);
    expect(after[1]).toBe(before[1] as Chunk);
  });

  test("a removed row leaves its chunk; an emptied chunk goes", () => {
    const chunk = createChunker(2);
    const before = chunk([1, 2, 3, 4, 5, 6]);
    const after = chunk([1, 2, 4, 6]);
    expect(after.map((c) => c.ids)).toEqual([[1, 2], [4], [6]]);
    expect(after[0]).toBe(before[0] as Chunk);
    expect(chunk([6]).map((c) => c.key)).toEqual([before[2]?.key as number]);
  });

  test("whatever the changes, every id is in exactly one chunk, in order, and keys are unique", () => {
    const chunk = createChunker(5);
    let ids: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const placed = new Map<number, number>();
    for (let step = 0; step < 300; step += 1) {
      const set = new Set(ids);
      const roll = random();
      if (roll < 0.3) set.add(Math.max(0, ...ids) + 1 + Math.floor(random() * 3));
      else if (roll < 0.5) for (let i = 0; i < 7; i += 1) set.add(Math.floor(random() * 400));
      else if (roll < 0.7) set.delete(ids[Math.floor(random() * ids.length)] as number);
      else set.add(Math.floor(random() * 400));
      ids = [...set].sort((a, b) => a - b);
      const chunks = chunk(ids);
      expect(chunks.flatMap((c) => c.ids)).toEqual(ids);
      expect(new Set(chunks.map((c) => c.key)).size).toBe(chunks.length);
      // A row stays in the chunk it was placed in for as long as it is there.
      for (const id of placed.keys()) if (!set.has(id)) placed.delete(id);
      for (const c of chunks)
        for (const id of c.ids) {
          expect(placed.get(id) ?? c.key).toBe(c.key);
          placed.set(id, c.key);
        }
    }
  });
});
