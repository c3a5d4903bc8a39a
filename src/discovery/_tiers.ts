/**
 * BEP 12 tracker tiers: each tier shuffled once, and a tracker that answers
 * moved to the front of its tier.
 *
 * @module
 */

/**
 * Copies an announce list with each tier shuffled (Fisher–Yates), empty tiers
 * and repeated URLs left out.
 *
 * @param tiers The torrent's tiers (`announce-list`, or `[[announce]]`).
 * @param random Uniform numbers in [0, 1).
 */
export function shuffleTiers(
  tiers: readonly (readonly string[])[],
  random: () => number,
): string[][] {
  const seen = new Set<string>();
  const result: string[][] = [];
  for (const tier of tiers) {
    const copy = tier.filter((url) => !seen.has(url) && seen.add(url));
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    if (copy.length > 0) result.push(copy);
  }
  return result;
}

/** Moves `tier[index]` to the front, keeping the others in order. */
export function promote(tier: string[], index: number): void {
  const [url] = tier.splice(index, 1);
  tier.unshift(url!);
}
