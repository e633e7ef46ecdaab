/**
 * stripPrefix: checkpoints saved from nn.DataParallel / DistributedDataParallel prefix every
 * key with `module.`; this returns a new Map without it (like PyTorch's
 * consume_prefix_in_state_dict_if_present, but leaving the input alone). Keys without the
 * prefix are kept as they are, and the tensors are the same objects (no copies).
 */
export function stripPrefix<V>(stateDict: Map<string, V>, prefix = 'module.'): Map<string, V> {
  if (!(stateDict instanceof Map)) throw new TypeError('stripPrefix(stateDict, prefix): stateDict must be a Map');
  if (typeof prefix !== 'string') throw new TypeError('stripPrefix(stateDict, prefix): prefix must be a string');
  const out = new Map<string, V>();
  for (const [k, v] of stateDict) {
    const key = typeof k === 'string' && k.startsWith(prefix) ? k.slice(prefix.length) : k;
    if (out.has(key)) throw new TypeError(`stripPrefix: keys '${k}' and '${key}' collide once '${prefix}' is removed`);
    out.set(key, v);
  }
  return out;
}
