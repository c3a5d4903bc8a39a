/** Child of `webrtc_test.ts`: the transport conformance suite over WebRTC. */
import { LoopbackSignalling } from "../../transports/webrtc_loopback.ts";
import { transportConformance } from "../conformance/transport_suite.ts";
import { runRegisteredTests } from "../_isolated.ts";

const unreadBound = 16 * 1024 * 1024;

await runRegisteredTests(() => {
  transportConformance("webrtc", () =>
    Promise.resolve({
      transport: new LoopbackSignalling({ maxUnreadBytes: unreadBound }).transport(),
      host: "127.0.0.1",
      unreadBound,
    }));
  return Promise.resolve();
});
