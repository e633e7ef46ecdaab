/** Runs svf-torch's main() in process with captured stdout/stderr (the CLI tests' helper). */
import { main } from '../../lib/cli/main';

class Sink {
  text = '';
  write(s: string) { this.text += s; return true; }
}

export async function cli(...argv: string[]): Promise<{ code: number; result?: Record<string, unknown>; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const r = await main(argv, { stdout, stderr });
  return { ...r, stdout: stdout.text, stderr: stderr.text };
}
