/** The resolved model the interrupted-save child and the test both build: same seed, same bases, same fingerprint. */
import * as torch from '../../lib/index';

export function interruptedModel(): torch.nn.Module {
  torch.manualSeed(0);
  const dense = new torch.nn.Sequential(new torch.nn.Conv2d(16, 64, 3), new torch.nn.Conv2d(64, 64, 3), new torch.nn.Linear(64, 32));
  const model = torch.svf.resolver(dense);
  dense.dispose();
  return model;
}
