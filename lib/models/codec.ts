/**
 * Typed arrays in model JSON: `"<dtype>:<base64 of the little-endian bytes>"`. Exact (the
 * bytes themselves, so -0, NaN and Infinity survive) and about 12 times smaller than
 * number lists for float64 leaf values.
 */
import { InputError } from "../util/errors";
import * as os from "node:os";

export type Packable = Float64Array | Float32Array | Int32Array | Uint8Array;

const CODES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;
type Code = keyof typeof CODES;

// Typed arrays use the platform's byte order; every platform Node supports today is little-endian.
if (os.endianness() !== "LE") throw new Error("e2ewatch model files assume a little-endian machine");

function codeOf(a: Packable): Code {
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Float32Array) return "f32";
  if (a instanceof Int32Array) return "i32";
  return "u8";
}

export function packArray(a: Packable): string {
  return `${codeOf(a)}:${Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64")}`;
}

/** Decodes a packed array, checking its type (and length when given); `what` names it in errors. */
export function unpackArray<C extends Code>(text: unknown, code: C, what: string, length?: number): InstanceType<(typeof CODES)[C]> {
  if (typeof text !== "string" || !text.startsWith(`${code}:`)) {
    throw new InputError(`model JSON: ${what} must be a '${code}:' packed array, got ${describe(text)}`);
  }
  const bytes = Buffer.from(text.slice(code.length + 1), "base64");
  const Ctor = CODES[code];
  if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new InputError(`model JSON: ${what} has ${bytes.length} bytes, not a whole number of ${code} values`);
  // Copy into a fresh, aligned buffer (a Buffer may sit at any offset of a shared pool).
  const out = new Ctor(bytes.length / Ctor.BYTES_PER_ELEMENT) as InstanceType<(typeof CODES)[C]>;
  new Uint8Array(out.buffer).set(bytes);
  if (length !== undefined && out.length !== length) throw new InputError(`model JSON: ${what} has ${out.length} values, expected ${length}`);
  return out;
}

function describe(v: unknown): string {
  const s = typeof v === "string" ? `'${v.slice(0, 20)}${v.length > 20 ? "..." : ""}'` : JSON.stringify(v);
  return s === undefined ? String(v) : s.slice(0, 40);
}
