import assert from "node:assert/strict";

Deno.test("udp: without --unstable-net, Deno gets node:dgram sockets that work", async () => {
  const program = `
    import { bindUdp } from "${new URL("../../src/net/udp.ts", import.meta.url).href}";
    if (typeof Deno.listenDatagram === "function") throw new Error("unstable net is on");
    const a = await bindUdp({ host: "127.0.0.1" });
    const b = await bindUdp({ host: "127.0.0.1" });
    const got = new Promise((resolve) => b.addHandler((bytes) => (resolve(bytes.length), true)));
    await a.send(new Uint8Array(5), b.localAddress);
    console.log(await got);
    a.close();
    b.close();
  `;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, program);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--allow-net", "--allow-read", `${dir}/main.ts`],
      cwd: dir,
    }).output();
    const text = new TextDecoder();
    assert.equal(code, 0, text.decode(stderr));
    assert.equal(text.decode(stdout).trim(), "5");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
