import * as torch from './lib/index';
const { models, svf } = torch;
torch.manualSeed(0);
const net = models.resnet50().eval();
const x = torch.randn([2, 3, 224, 224]);
const model = svf.resolver(net, { mode: (process.argv[2] ?? 'auto') as torch.svf.ExecutionMode });
model.requiresGrad_(false);
const layers = models.resnetLayers(model);
svf.svfModules(layers);
model.train();
for (let i = 0; i < 4; i++) {
  torch.tidy(() => {
    const t0 = Date.now();
    let h = x;
    for (const l of layers) h = l.forward(h);
    const loss = h.pow(2).mean();
    const t1 = Date.now();
    loss.backward();
    const t2 = Date.now();
    console.log('fwd', t1 - t0, 'bwd', t2 - t1, svf.svdLayers(model).map(([, l]) => l.lastMode![0]).join(''));
  });
}
