import { bindDenoUdp } from "../../src/net/udp_deno.ts";
import { bindNodeUdp } from "../../src/net/udp_node.ts";
import { utpTransport } from "../../transports/utp/mod.ts";
import { transportConformance } from "../conformance/transport_suite.ts";

transportConformance(
  "utp over Deno.listenDatagram",
  () => Promise.resolve({ transport: utpTransport({ bind: bindDenoUdp }), host: "127.0.0.1" }),
);
transportConformance(
  "utp over node:dgram",
  () => Promise.resolve({ transport: utpTransport({ bind: bindNodeUdp }), host: "127.0.0.1" }),
);
