/** The small conv net each thread of test/svf-workers.test.ts trains (the test writes its initial weights). */
import * as torch from '../../lib/index';

export function workerModel(): torch.nn.Sequential {
  const { nn } = torch;
  return new nn.Sequential(new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.Conv2d(16, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16));
}
