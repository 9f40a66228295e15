// A trained head as an ONNX graph, written by hand: the heads are two or three matrix products, and no
// npm package writes ONNX from JS (tfjs cannot), so the protobuf is encoded here (field numbers from
// onnx.proto3). Checked by loading it into onnxruntime and comparing with predictHead.
import type { HeadMethod, HeadWeights } from './head.js';

const OPSET = 13;
const IR_VERSION = 8;
const FLOAT = 1;

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }
  /** Non-negative integers only (every field written here is a size, a type or an index). */
  varint(n: number): this {
    const out: number[] = [];
    let v = BigInt(n);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.push(Uint8Array.from(out));
    return this;
  }
  /** A varint field (wire type 0). */
  int(field: number, n: number): this {
    return this.varint(field << 3).varint(n);
  }
  /** A length-delimited field (wire type 2): bytes, a string or a nested message. */
  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2).varint(b.length);
    this.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, build: (w: Writer) => void): this {
    const w = new Writer();
    build(w);
    return this.bytes(field, w.done());
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** TensorProto: dims(1), data_type(2), name(8), raw_data(9) little-endian float32. */
function tensor(w: Writer, name: string, dims: number[], values: number[]): void {
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.str(8, name);
  const f = new Float32Array(values);
  w.bytes(9, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
}

/** ValueInfoProto of a float tensor [batch, size] with a symbolic batch dimension. */
function valueInfo(w: Writer, name: string, size: number): void {
  w.str(1, name);
  w.msg(2, (type) =>
    type.msg(1, (tt) => {
      tt.int(1, FLOAT);
      tt.msg(2, (shape) => {
        shape.msg(1, (d) => d.str(2, 'batch'));
        shape.msg(1, (d) => d.int(1, size));
      });
    }),
  );
}

/** NodeProto: input(1), output(2), name(3), op_type(4); the ops used need no attributes at opset 13. */
function node(w: Writer, op: string, inputs: string[], output: string): void {
  w.msg(1, (n) => {
    for (const i of inputs) n.str(1, i);
    n.str(2, output);
    n.str(3, output);
    n.str(4, op);
  });
}

/** Transposes [rows][cols] → flat row-major [cols][rows]. */
const transposed = (m: number[][]): number[] => m[0]!.flatMap((_, j) => m.map((row) => row[j]!));

/**
 * The head as an ONNX model (opset 13). Input `embedding` [batch, dim] (L2-normalised face embeddings of
 * the model's pack); outputs `centroid_similarity` [batch, classes] (cosine to each class centroid, the
 * open-set score) and, for logistic/mlp, `probabilities` [batch, classes]. A face is named by the class
 * of the highest probability (or similarity, for the centroid baseline) when that class's similarity
 * reaches the manifest's threshold.
 */
export function headToOnnx(method: HeadMethod, weights: HeadWeights): Uint8Array {
  const dim = weights.centroids[0]?.length ?? 0;
  const classes = weights.centroids.length;
  if (dim === 0 || classes === 0) throw new Error('A head needs at least one class centroid');
  const model = new Writer();
  model.int(1, IR_VERSION);
  model.str(2, 'hadir');
  model.msg(7, (g) => {
    node(g, 'MatMul', ['embedding', 'centroids_t'], 'centroid_similarity');
    let h = 'embedding';
    const layers = method === 'centroid' ? [] : weights.layers;
    layers.forEach((_, i) => {
      node(g, 'MatMul', [h, `w${i}`], `mm${i}`);
      const last = i === layers.length - 1;
      node(g, 'Add', [`mm${i}`, `b${i}`], last ? 'logits' : `pre${i}`);
      if (!last) node(g, 'Relu', [`pre${i}`], `h${i}`);
      h = `h${i}`;
    });
    // Softmax's axis is the last one by default from opset 13 on.
    if (layers.length) node(g, 'Softmax', ['logits'], 'probabilities');
    g.str(2, `hadir-face-head-${method}`);
    g.msg(5, (t) => tensor(t, 'centroids_t', [dim, classes], transposed(weights.centroids)));
    layers.forEach((l, i) => {
      g.msg(5, (t) => tensor(t, `w${i}`, [l.w.length, l.b.length], l.w.flat()));
      g.msg(5, (t) => tensor(t, `b${i}`, [l.b.length], l.b));
    });
    g.msg(11, (v) => valueInfo(v, 'embedding', dim));
    g.msg(12, (v) => valueInfo(v, 'centroid_similarity', classes));
    if (layers.length) g.msg(12, (v) => valueInfo(v, 'probabilities', classes));
  });
  model.msg(8, (o) => o.str(1, '').int(2, OPSET));
  return model.done();
}
