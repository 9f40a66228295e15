import { endianness } from 'node:os';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Float32 little-endian bytes, the stored form of an embedding (a copy; the input stays untouched). */
export function embeddingToBytes(embedding: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(embedding.length * 4);
  if (LITTLE_ENDIAN_HOST) {
    new Float32Array(out.buffer, out.byteOffset, embedding.length).set(embedding);
  } else {
    for (let i = 0; i < embedding.length; i++) out.writeFloatLE(embedding[i]!, i * 4);
  }
  return out;
}

/** The embedding stored by embeddingToBytes; null when the byte length is not a whole number of floats. */
export function embeddingFromBytes(bytes: Uint8Array): Float32Array | null {
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) return null;
  const n = bytes.byteLength / 4;
  const out = new Float32Array(n);
  if (LITTLE_ENDIAN_HOST) {
    // Copy through a fresh buffer: driver buffers are pooled and not necessarily 4-byte aligned.
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}
