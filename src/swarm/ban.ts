/**
 * Bans for peers that send corrupt data: every piece that fails its hash
 * check counts against the addresses that sent any of its blocks. A piece
 * that came wholly from one address proves that address guilty, so it
 * counts `soleWeight` (2) times: with the default of two failures, a sole
 * sender is banned at once, while a peer that shared failed pieces with
 * others is banned on its second.
 *
 * @module
 */

import { defaultLimits } from "../limits.ts";

/** Options for a {@link BanList}. */
export interface BanOptions {
  /** Failures at which an address is banned. Default `limits.maxHashFailures`. */
  maxFailures?: number;
  /** What a failed piece from a single address counts. Default 2; 1 turns this off. */
  soleWeight?: number;
}

/**
 * Hash-failure counts and bans, keyed by address. Use the IP without the
 * port, so that a banned peer cannot come back from another port.
 *
 * @example
 * ```ts
 * import { BanList } from "./ban.ts";
 * const bans = new BanList();
 * bans.blame(["10.0.0.1", "10.0.0.2"]);
 * console.assert(!bans.isBanned("10.0.0.1"));
 * console.assert(bans.blame(["10.0.0.1", "10.0.0.3"]).join() === "10.0.0.1");
 * console.assert(bans.blame(["10.0.0.4"]).join() === "10.0.0.4");
 * ```
 */
export class BanList {
  #max: number;
  #soleWeight: number;
  #failures = new Map<string, number>();
  #banned = new Set<string>();

  /**
   * An empty list.
   *
   * @param options Thresholds.
   */
  constructor(options: BanOptions = {}) {
    this.#max = options.maxFailures ?? defaultLimits.maxHashFailures;
    this.#soleWeight = options.soleWeight ?? 2;
  }

  /**
   * Counts a failed piece against the addresses that sent its blocks
   * (`picker.hashFailed` gives the peers). An empty list blames no one.
   *
   * @param addresses Who contributed (duplicates are counted once).
   * @returns Addresses banned by this failure: disconnect them.
   */
  blame(addresses: Iterable<string>): string[] {
    const guilty = new Set(addresses);
    const weight = guilty.size === 1 ? this.#soleWeight : 1;
    const banned: string[] = [];
    for (const address of guilty) {
      const failures = (this.#failures.get(address) ?? 0) + weight;
      this.#failures.set(address, failures);
      if (failures >= this.#max && !this.#banned.has(address)) {
        this.#banned.add(address);
        banned.push(address);
      }
    }
    return banned;
  }

  /**
   * Bans an address outright.
   *
   * @param address The address.
   */
  ban(address: string): void {
    this.#banned.add(address);
  }

  /**
   * Whether an address is banned: refuse its connections and do not dial it.
   *
   * @param address The address.
   * @returns True when banned.
   */
  isBanned(address: string): boolean {
    return this.#banned.has(address);
  }

  /**
   * The weighted failures counted against an address.
   *
   * @param address The address.
   * @returns The count.
   */
  failures(address: string): number {
    return this.#failures.get(address) ?? 0;
  }
}
