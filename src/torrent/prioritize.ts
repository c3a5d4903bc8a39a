/**
 * Applies piece priorities and deadlines to the picker, and makes room for
 * time-critical pieces in the peers' queues.
 *
 * @module
 */

import type { Picker } from "../swarm/picker.ts";
import { MAX_PRIORITY } from "../swarm/picker.ts";
import type { BlockRequest } from "../swarm/blocks.ts";
import type { PiecePriority } from "./file_priorities.ts";

/**
 * Sets each piece's priority and deadline.
 *
 * @param picker The torrent's picker.
 * @param changes The new priorities.
 * @returns True when a piece became time-critical (queues should make room).
 */
export function applyPriorities<P>(picker: Picker<P>, changes: readonly PiecePriority[]): boolean {
  let urgent = false;
  for (const { piece, priority, deadline } of changes) {
    picker.setPriority(piece, priority);
    picker.setDeadline(piece, deadline);
    if (deadline !== undefined && !picker.hasPiece(piece)) urgent = true;
  }
  return urgent;
}

/**
 * Cancels a peer's requests for pieces below the top priority so that its
 * next blocks are the time-critical ones; returns what to send `cancel` for.
 *
 * @param picker The torrent's picker.
 * @param peer The peer.
 * @returns The cancelled blocks.
 */
export function makeRoom<P>(picker: Picker<P>, peer: P): BlockRequest[] {
  return picker.yieldRequests(peer, MAX_PRIORITY);
}
