/**
 * Reads a tracker's swarm counts through its HTTP scrape (opentracker serves
 * `/scrape` next to `/announce`), and waits for them: tests start the next
 * client only once the tracker knows the previous ones, so that each
 * client's first announce already lists them.
 *
 * @module
 */

/** Seeders and leechers a tracker knows for a torrent. */
export interface SwarmCounts {
  /** Seeders. */
  complete: number;
  /** Leechers. */
  incomplete: number;
}

/**
 * Scrapes `announceUrl`'s tracker for one torrent.
 *
 * @param announceUrl An `http://…/announce` URL.
 * @param infoHash The 20-byte info hash.
 * @returns The counts (zero for an unknown torrent).
 */
export async function scrape(announceUrl: string, infoHash: Uint8Array): Promise<SwarmCounts> {
  const hash = Array.from(infoHash, (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  const response = await fetch(
    `${announceUrl.replace(/\/announce$/, "/scrape")}?info_hash=${hash}`,
  );
  const text = new TextDecoder("latin1").decode(new Uint8Array(await response.arrayBuffer()));
  const count = (key: string) => Number(new RegExp(`${key}i(\\d+)e`).exec(text)?.[1] ?? 0);
  return { complete: count("8:complete"), incomplete: count("10:incomplete") };
}

/**
 * Waits until the tracker counts at least `want` seeders and leechers.
 *
 * @param announceUrl The tracker's HTTP announce URL.
 * @param infoHash The 20-byte info hash.
 * @param want The least counts to wait for.
 * @param timeoutMs How long to wait.
 * @throws {Error} With the last counts, after `timeoutMs`.
 */
export async function waitForTracker(
  announceUrl: string,
  infoHash: Uint8Array,
  want: Partial<SwarmCounts>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: SwarmCounts = { complete: 0, incomplete: 0 };
  while (Date.now() < deadline) {
    last = await scrape(announceUrl, infoHash);
    if (last.complete >= (want.complete ?? 0) && last.incomplete >= (want.incomplete ?? 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the tracker knows ${last.complete} seeders and ${last.incomplete} leechers, not ` +
      `${want.complete ?? 0} and ${want.incomplete ?? 0}, after ${timeoutMs / 1000} s`,
  );
}
