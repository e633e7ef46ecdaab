/**
 * The soak loop, run in a fresh process by test/svf-soak.test.ts (so the RSS it reports is
 * this loop's alone): SVF steps on ResNet-18 (vector_S of layer2–4 trained by SGD, as
 * svfModules sets it up), an S checkpoint saved and loaded every `every` steps, all in one
 * synchronous loop — the finalizer never gets a chance to run, so any handle a library
 * function leaves behind shows in the count. Prints one JSON line of samples.
 * usage: svf-soak.ts STEPS EVERY DIR
 */
import * as path from 'path';
import * as torch from '../../lib/index';

const { models, svf, optim, nn } = torch;
const [steps, every] = [Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 25)];
const file = path.join(process.argv[4] ?? '.', 'soak-S.safetensors');

torch.manualSeed(0);
const net = models.resnet18({ numClasses: 10 });
const model = svf.resolver(net);
net.dispose();
model.requiresGrad_(false);
svf.svfModules(models.resnetLayers(model));
// factored execution: V conv → ×S → U conv, so a step costs a small forward/backward instead
// of rebuilding every dense U·diag(S)·V weight (S changes every step), ~10 GFLOP on ResNet-18
for (const [, l] of svf.svdLayers(model)) l.mode = 'factored';
model.train();
const opt = new optim.SGD(model.parameters().filter((p) => p.requiresGrad), { lr: 0.01, momentum: 0.9 });
const x = torch.randn([2, 3, 16, 16]);
const labels = torch.tensor([3, 7]);
const samples: { step: number; handles: number; rss: number }[] = [];
const t0 = Date.now();
for (let i = 1; i <= steps; i++) {
  torch.tidy(() => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x), labels);
    loss.backward();
    opt.step();
  });
  if (i % every === 0) {
    svf.saveSingularValues(model, file);
    svf.loadSingularValues(model, file);
    samples.push({ step: i, handles: torch.memory().numTensors, rss: process.memoryUsage().rss });
  }
}
console.log(JSON.stringify({ samples, ms: Date.now() - t0 }));
