/**
 * A tracker server: HTTP announce and scrape, UDP (BEP 15) and WebSocket
 * signalling for WebRTC peers, with bounded memory per swarm.
 *
 * @module
 */

export { handleHttp } from "./http.ts";
export { startTracker, type TrackerOptions, type TrackerServer } from "./server.ts";
export {
  defaultSwarmLimits,
  type SwarmCounts,
  type SwarmLimits,
  SwarmTable,
  type TableAnnounce,
  type TrackedPeer,
} from "./swarms.ts";
export { serveUdp } from "./udp.ts";
export { serveWebSocket, type SignalSocket } from "./websocket.ts";
