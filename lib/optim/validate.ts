/** Argument checks shared by the optimizers and schedulers: TypeError for a wrong type, RangeError for a bad value. */

export function checkNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${what} must be a number, got ${String(v)}`);
  return v;
}

export function checkNonNegative(v: unknown, what: string, label: string): number {
  const n = checkNumber(v, what);
  if (!(n >= 0)) throw new RangeError(`Invalid ${label}: ${n}`);
  return n;
}

export function checkBoolean(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${String(v)}`);
  return v;
}

export function checkPositiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${String(v)}`);
  if (v <= 0) throw new RangeError(`${what} must be positive, got ${v}`);
  return v;
}

export function checkOptionsObject(opts: unknown, what: string): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new TypeError(`${what}: options must be an object`);
  return opts as Record<string, unknown>;
}
