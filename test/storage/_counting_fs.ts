/**
 * A filesystem that counts its open handles, to check the handle cache.
 *
 * @module
 */

import { denoFileSystem } from "../../src/fs/deno.ts";
import type { FileSystem } from "../../src/fs/types.ts";

/** Deno's filesystem, counting the handles open now and at most (the resume file's aside). */
export class CountingFileSystem {
  /** Handles open now. */
  open = 0;
  /** Most handles open at once. */
  peak = 0;
  /** Handles ever opened. */
  opened = 0;
  /** Opens asked for, failed ones included. */
  attempts = 0;

  /** The filesystem to hand to the storage. */
  readonly fs: FileSystem = {
    ...denoFileSystem,
    open: async (path, options) => {
      this.attempts++;
      const handle = await denoFileSystem.open(path, options);
      if (path.endsWith(".resume.tmp")) return handle;
      this.open++;
      this.opened++;
      this.peak = Math.max(this.peak, this.open);
      return {
        read: (buffer, position) => handle.read(buffer, position),
        write: (data, position) => handle.write(data, position),
        sync: () => handle.sync(),
        close: async () => {
          await handle.close();
          this.open--;
        },
      };
    },
  };
}
