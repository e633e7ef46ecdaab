/**
 * TorchError: every failure inside LibTorch surfaces as one of these, carrying LibTorch's
 * message without the C++ backtrace. Bad JS arguments are TypeError/RangeError instead.
 */
export class TorchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TorchError';
  }
}
