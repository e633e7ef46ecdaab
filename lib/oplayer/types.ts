/** Types the generated declarations (lib/generated/*) share. */

/** Several results: PyTorch's field names (camelCase), also iterable in order: `const [v, i] = x.max(0)`. */
export type NamedResult<T extends object> = T & Iterable<T[keyof T]>;

/** `memory_format` arguments (torch.contiguous_format & co.). */
export type MemoryFormat = 'contiguous_format' | 'preserve_format' | 'channels_last' | 'channels_last_3d'
  | 'contiguousFormat' | 'preserveFormat' | 'channelsLast' | 'channelsLast3d';
