// What each socket gets in one turn is written as one buffer. The members of a channel mostly get the very same
// lines (the same encoded buffers, in the same order): they share one joined copy instead of one copy each, so a
// turn's fan-out allocates a buffer per distinct sequence, not per socket (less copying, less for the GC to sweep).

/** Distinct sequences remembered per first line, so sockets with diverse output cost a bounded number of comparisons. */
const VARIANTS_PER_FIRST = 4;

interface Joined {
  readonly chunks: readonly Buffer[];
  readonly bytes: Buffer;
}

export class Joins {
  private readonly byFirst = new Map<Buffer, Joined[]>();

  /** The chunks as one buffer: the one already made this turn for the same chunks, or a new one. */
  of(chunks: readonly Buffer[]): Buffer {
    if (chunks.length === 1) return chunks[0];
    const variants = this.byFirst.get(chunks[0]);
    if (variants) for (const joined of variants) if (same(joined.chunks, chunks)) return joined.bytes;
    const bytes = Buffer.concat(chunks);
    if (!variants) this.byFirst.set(chunks[0], [{ chunks, bytes }]);
    else if (variants.length < VARIANTS_PER_FIRST) variants.push({ chunks, bytes });
    return bytes;
  }

  /** Forgets this turn's buffers (the sockets hold on to what they still need). */
  clear(): void {
    this.byFirst.clear();
  }
}

function same(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
