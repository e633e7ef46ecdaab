/** Device names: 'cpu' | 'cuda' | 'cuda:N'. Validated in JS before anything crosses. */
export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

const DEVICE_RE = /^(cpu|cuda(:\d+)?)$/;

export function isDevice(v: unknown): v is Device {
  return typeof v === 'string' && DEVICE_RE.test(v);
}

export function checkDevice(v: unknown, what = 'device'): Device {
  if (!isDevice(v)) throw new TypeError(`${what} must be 'cpu', 'cuda' or 'cuda:N', got ${JSON.stringify(v)}`);
  return v;
}
