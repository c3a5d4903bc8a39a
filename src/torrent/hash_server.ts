/**
 * Answers BEP 52 hash requests for a torrent's files from their piece
 * layers: a peer that got the torrent from a magnet fetches the piece
 * hashes this way. Requests at the piece layer and above are answered with
 * hashes and proof; below it (we keep no block hashes), for unknown roots,
 * or malformed, with a `hash reject`.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { PieceTree } from "../metainfo/merkle_proof.ts";
import type { Metainfo } from "../metainfo/types.ts";
import type { HashesMessage, HashRequestMessage } from "../wire/messages.ts";

/**
 * The hash answers of one torrent; each file's tree is built on first use.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { HashServer } from "./hash_server.ts";
 * import type { Metainfo } from "../metainfo/types.ts";
 *
 * const meta = { pieceLength: 32768, pieceLayers: new Map() } as unknown as Metainfo;
 * const reply = await new HashServer(meta).answer({
 *   type: "hashRequest",
 *   piecesRoot: new Uint8Array(32),
 *   baseLayer: 1,
 *   index: 0,
 *   length: 2,
 *   proofLayers: 0,
 * });
 * strictEqual(reply.type, "hashReject"); // no such file
 * ```
 */
export class HashServer {
  #meta: Metainfo;
  #trees = new Map<string, Promise<PieceTree>>();

  /** @param meta The torrent, with its piece layers. */
  constructor(meta: Metainfo) {
    this.#meta = meta;
  }

  /**
   * The answer to a request.
   *
   * @param request The peer's request.
   * @returns The hashes, or a reject echoing the request.
   */
  async answer(request: HashRequestMessage): Promise<HashesMessage | HashRequestMessage> {
    const tree = this.#tree(toHex(request.piecesRoot));
    const hashes = tree ? (await tree).answer(request) : null;
    return hashes ? { ...request, type: "hashes", hashes } : { ...request, type: "hashReject" };
  }

  #tree(root: string): Promise<PieceTree> | null {
    const known = this.#trees.get(root);
    if (known) return known;
    const layer = this.#meta.pieceLayers.get(root);
    if (!layer) return null;
    const hashes = Array.from(
      { length: layer.length / 32 },
      (_, i) => layer.subarray(i * 32, i * 32 + 32),
    );
    const tree = PieceTree.build(hashes, this.#meta.pieceLength);
    this.#trees.set(root, tree);
    return tree;
  }
}
