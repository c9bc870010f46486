/** A NumPy array read from a .npy file, as float64 in C (row-major) order. */
export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

const DTYPES: Record<string, { bytes: number; read: (v: DataView, o: number, le: boolean) => number }> = {
  f8: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  i8: { bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  i4: { bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  u1: { bytes: 1, read: (v, o) => v.getUint8(o) },
  b1: { bytes: 1, read: (v, o) => v.getUint8(o) },
};

/**
 * Parses the NumPy .npy format (versions 1–3): magic, header dict (descr, fortran_order, shape),
 * then the raw array. Numeric dtypes of either byte order; Fortran-ordered arrays are transposed.
 */
export function parseNpy(buf: Buffer): NpyArray {
  if (buf.length < 10 || buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error('not a NumPy .npy file (bad magic)');
  const major = buf.readUInt8(6);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeMatch) throw new Error(`unreadable .npy header: ${header.trim()}`);
  const dtype = DTYPES[descr[2]];
  if (!dtype) throw new Error(`unsupported .npy dtype ${descr[1]}${descr[2]}`);
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (buf.length < offset + count * dtype.bytes) throw new Error(`truncated .npy file: ${count} values of ${dtype.bytes} bytes expected`);
  const view = new DataView(buf.buffer, buf.byteOffset + offset, count * dtype.bytes);
  const le = descr[1] !== '>';
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) raw[i] = dtype.read(view, i * dtype.bytes, le);
  if (fortran[1] === 'False' || shape.length < 2) return { shape, data: raw };
  // Fortran order: the first index varies fastest. Reorder to C order (2-D is all we meet).
  const [rows, cols] = shape;
  const data = new Float64Array(count);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = raw[c * rows + r];
  return { shape, data };
}

/** Column `col` of a 2-D array (or the 1-D array itself). */
export function column(a: NpyArray, col = 0): Float64Array {
  if (a.shape.length < 2) return a.data;
  const cols = a.shape[1];
  return Float64Array.from({ length: a.shape[0] }, (_, r) => a.data[r * cols + col]);
}
