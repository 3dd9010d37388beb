/** Worker tasks used only by the pool tests. */
import { InputError } from "../../lib/util/errors";

export function doubled(values: Float32Array): Float32Array {
  return values.map((v) => v * 2);
}

export function failsWithInputError(file: string): never {
  throw new InputError("bad value", { file, line: 3 });
}
