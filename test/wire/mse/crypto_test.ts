/**
 * The MSE primitives against vectors computed elsewhere: RC4 against the
 * classic test vectors and OpenSSL's keystream past the 1,024 bytes MSE
 * drops (python3-cryptography); the Diffie-Hellman keys, the shared secret
 * and every derived hash against Node's crypto (OpenSSL) for fixed private
 * keys.
 *
 * @module
 */

import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { fromHex, toHex } from "../../../src/bytes.ts";
import { dhKeys, dhSecret } from "../../../src/wire/mse/dh.ts";
import { ciphersFor, labelled, xor20 } from "../../../src/wire/mse/keys.ts";
import { Rc4 } from "../../../src/wire/mse/rc4.ts";
import { pseudoRandomBytes } from "../../_data.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("RC4: the classic test vectors, without a discard", () => {
  const vectors: [string, string, string][] = [
    ["Key", "Plaintext", "bbf316e8d940af0ad3"],
    ["Wiki", "pedia", "1021bf0420"],
    ["Secret", "Attack at dawn", "45a01f645fc35b383552544b9bf5"],
  ];
  for (const [key, plain, sealed] of vectors) {
    strictEqual(toHex(new Rc4(text(key), 0).apply(text(plain))), sealed);
  }
});

Deno.test("RC4: MSE's 1,024-byte discard, against OpenSSL's keystream", () => {
  const key = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
  // OpenSSL (python3-cryptography ARC4): keystream bytes 0-15 and 1024-1039.
  strictEqual(toHex(new Rc4(key, 0).apply(new Uint8Array(16))), "f644d3aa1f242c35f51b71d4faf55383");
  strictEqual(toHex(new Rc4(key).apply(new Uint8Array(16))), "d0ef0c6b23f128219c352c15881d52c1");
});

Deno.test("RC4: a stream continues across calls, in place or into another array", () => {
  const key = text("a 20-byte key here!!");
  const data = pseudoRandomBytes(70_000, 1);
  const whole = new Rc4(key).apply(data, new Uint8Array(data.length));
  const pieces = new Rc4(key);
  const copy = data.slice();
  for (let at = 0; at < copy.length; at += 997) pieces.apply(copy.subarray(at, at + 997));
  deepStrictEqual(copy, whole);
  deepStrictEqual(new Rc4(key).apply(whole), data);
  throws(() => new Rc4(new Uint8Array(0)), RangeError);
});

/** Computed with Node's crypto.createDiffieHellman (OpenSSL) and SHA-1. */
const VECTOR = {
  xa: 0x1111111111111111111111111111111111111111n,
  xb: 0x0123456789abcdef0123456789abcdef01234567n,
  ya: "3476dc8d123697fcc69e9121618a08514ffa536506df209ce956ad3cf819f76f3fcebc46f4e8be364ec8f14" +
    "45b9dbf8a9528ca7bfbc89ad13f28137640a2cfd1055d55d5cc6676d18b410e086631309e95fa7b0dae2b837" +
    "9186b17ad3472c755",
  yb: "6fd4bc7aa649593205ec30348a3ccc737b61fa01e9e1762c2c53eb69033afecbdf7c13b8ac3643af78d0760" +
    "b0f42db009f2b96c970f009d060faf617f117d0f1c221cea0561b9a86e852fc70a6f09ad0f82378603aa5e56" +
    "b811deb3f534bf276",
  s: "270976b635114e95cfd4c3b757812ffded388eda7c5cc5da39c4ae2a60a364f10944510075bf5abf4b91c75a" +
    "4058878e601651cc83218f1c05cf5e73f99ad9df86af683f4b04f343166f0fed86fa0b11e8cbc39754fb67ef" +
    "b03ae357606f8436",
  skey: "aa".repeat(20),
  req1: "101323f03b95090f5b05ccba5f0b6b1c6f22f959",
  obfuscated: "11e44d967ad5a43a53aab5987252c10a5223935d",
  keyA: "d1b465ad411da0b28c8c8bfb4e928fb7a41f970a",
  keyB: "3ce9fadbf6055883507f7a6cefd4700c8255428a",
};

Deno.test("DH and key derivation: a fixed vector from OpenSSL", async () => {
  const a = dhKeys(VECTOR.xa);
  const b = dhKeys(VECTOR.xb);
  strictEqual(toHex(a.publicKey), VECTOR.ya);
  strictEqual(toHex(b.publicKey), VECTOR.yb);
  const secret = dhSecret(a, b.publicKey)!;
  strictEqual(toHex(secret), VECTOR.s);
  strictEqual(toHex(dhSecret(b, a.publicKey)!), VECTOR.s);
  const skey = fromHex(VECTOR.skey);
  strictEqual(toHex(await labelled("req1", secret)), VECTOR.req1);
  const obfuscated = xor20(await labelled("req2", skey), await labelled("req3", secret));
  strictEqual(toHex(obfuscated), VECTOR.obfuscated);
  // The initiator sends with keyA and receives with keyB; the receiver the other way.
  const first16 = (key: string) => toHex(new Rc4(fromHex(key)).apply(new Uint8Array(16)));
  const initiator = await ciphersFor(secret, skey, true);
  const receiver = await ciphersFor(secret, skey, false);
  strictEqual(toHex(initiator.encrypt.apply(new Uint8Array(16))), first16(VECTOR.keyA));
  strictEqual(toHex(initiator.decrypt.apply(new Uint8Array(16))), first16(VECTOR.keyB));
  strictEqual(toHex(receiver.encrypt.apply(new Uint8Array(16))), first16(VECTOR.keyB));
  strictEqual(toHex(receiver.decrypt.apply(new Uint8Array(16))), first16(VECTOR.keyA));
});

Deno.test("DH: public keys are 96 bytes, fresh keys agree, degenerate keys are refused", () => {
  const a = dhKeys();
  const b = dhKeys();
  strictEqual(a.publicKey.length, 96);
  deepStrictEqual(dhSecret(a, b.publicKey), dhSecret(b, a.publicKey));
  strictEqual(dhSecret(a, new Uint8Array(96)), null); // 0
  strictEqual(dhSecret(a, new Uint8Array(96).fill(0xff)), null); // over P
  const one = new Uint8Array(96);
  one[95] = 1;
  strictEqual(dhSecret(a, one), null);
});
