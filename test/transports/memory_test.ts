import { MemoryNetwork } from "../../transports/memory.ts";
import { transportConformance } from "../conformance/transport_suite.ts";

transportConformance(
  "memory",
  () => Promise.resolve({ transport: new MemoryNetwork().transport(), host: "127.0.0.1" }),
);
