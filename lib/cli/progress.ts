/**
 * Progress with rate and ETA. On a terminal it redraws one line (\r, erase line) at most 10
 * times a second; when stderr is a file, a pipe or CI it prints a plain line every few seconds
 * and at the end instead of writing \r frames into logs.
 */

export interface ProgressOptions {
  stream?: { write(s: string): unknown; isTTY?: boolean };
  /** Override TTY detection (default: stream.isTTY and no CI variable). */
  tty?: boolean;
  /** Plain-line interval in ms (default 5000). */
  intervalMs?: number;
  /** Unit shown in the rate (default 'it'). */
  unit?: string;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  private last = -Infinity;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly unit: string;
  private info = '';

  constructor(readonly label: string, readonly total: number, opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? (Boolean(this.stream.isTTY) && !process.env.CI);
    this.intervalMs = opts.intervalMs ?? (this.tty ? 100 : 5000);
    this.unit = opts.unit ?? 'it';
  }

  /** One line of state: label, count, percent, rate, ETA and the caller's info. */
  line(): string {
    const elapsed = (performance.now() - this.t0) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : NaN;
    const pct = this.total ? Math.floor((100 * this.done) / this.total) : 100;
    const width = 20;
    const fill = this.total ? Math.round((width * this.done) / this.total) : width;
    const bar = this.tty ? `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ` : '';
    return `${this.label} ${bar}${this.done}/${this.total} ${pct}% ${rate.toFixed(2)} ${this.unit}/s elapsed ${formatDuration(elapsed)} ETA ${formatDuration(eta)}${this.info ? ' ' + this.info : ''}`;
  }

  tick(n = 1, info?: string): void {
    this.done += n;
    if (info !== undefined) this.info = info;
    const now = performance.now();
    const finished = this.done >= this.total;
    if (!finished && now - this.last < this.intervalMs) return;
    this.last = now;
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line()}${finished ? '\n' : ''}`);
    else this.stream.write(`${this.line()}\n`);
  }
}
