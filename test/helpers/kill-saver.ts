/**
 * The child that test/serialization-interrupted.test.ts kills with SIGKILL: it saves
 * generation after generation of a checkpoint to one path, forever, and prints each
 * generation number once its save has returned. Every tensor of generation g is filled with
 * g, so a file mixing two saves, or cut short, cannot pass for a complete one.
 * usage: kill-saver.ts DIR pt|sv FIRST_GENERATION
 */
import * as path from 'path';
import * as torch from '../../lib/index';
import { interruptedModel } from './interrupted-model';

const [dir, kind, first] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const model = interruptedModel();
for (let g = first; ; g++) {
  if (kind === 'pt') {
    // ~1.6 MB per save: the kill lands inside the write more often than between saves
    const sd = new Map<string, unknown>([['a', torch.full([250000], g)], ['b', torch.full([150000], g)], ['generation', g]]);
    torch.save(sd, path.join(dir, 'checkpoint.pt'));
    for (const v of sd.values()) if (v instanceof torch.Tensor) v.dispose();
  } else {
    torch.noGrad(() => { for (const [, l] of torch.svf.svdLayers(model)) l.vector_S.fill_(g); });
    torch.svf.saveSingularValues(model, path.join(dir, 'S.safetensors'));
  }
  process.stdout.write(`${g}\n`);
}
