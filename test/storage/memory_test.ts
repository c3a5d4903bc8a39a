import { memoryStorage } from "../../src/storage/memory.ts";
import { storageSuite } from "../conformance/storage_suite.ts";

storageSuite(
  "memory",
  () => Promise.resolve({ factory: memoryStorage(), dispose: () => Promise.resolve() }),
);
