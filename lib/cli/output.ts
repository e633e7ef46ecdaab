/**
 * Where a command's words go: human text on stdout, or — with --json — nothing but one JSON
 * object at the end, so the output can be piped into a parser. Progress always goes to stderr.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: { write(s: string): unknown } = process.stdout,
    /** Where progress goes (a terminal gets one redrawn line, anything else plain lines). */
    readonly stderr: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
  ) {}

  text(line: string): void {
    if (!this.json) this.stdout.write(line + '\n');
  }

  result(value: unknown): void {
    if (this.json) this.stdout.write(JSON.stringify(value) + '\n');
  }
}
