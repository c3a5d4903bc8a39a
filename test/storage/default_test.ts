import assert from "node:assert/strict";
import { defaultStorage } from "../../src/storage/default.ts";
import { MissingDataError } from "../../src/storage/errors.ts";
import { makeTorrent } from "./_torrents.ts";

Deno.test("defaultStorage: files in the folder given, memory without one", async () => {
  const name = `default-${crypto.randomUUID()}.bin`;
  const t = await makeTorrent("default", [[name, 20_000]], { pieceLength: 16_384 });
  const dir = await Deno.makeTempDir({ prefix: "default-" });
  try {
    const onDisk = await defaultStorage(dir)(t.meta);
    await onDisk.write(0, 0, t.pieces[0]!);
    await onDisk.close();
    assert.deepEqual(
      (await Deno.readFile(`${dir}/${name}`)).subarray(0, 16_384),
      t.pieces[0],
    );

    const factory = defaultStorage();
    const inMemory = await factory(t.meta);
    await assert.rejects(inMemory.read(0, 0, 1), MissingDataError);
    await inMemory.write(1, 0, t.pieces[1]!);
    await inMemory.close();
    const again = await factory(t.meta);
    assert.deepEqual(await again.read(1, 0, t.pieces[1]!.length), t.pieces[1]);
    await again.close();
    await assert.rejects(Deno.stat(name), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
