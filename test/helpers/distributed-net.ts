/** The net of test/reference/distributed_ddp.py: conv-relu-conv-relu-pool-linear, a frozen parameter, a buffer. */
import * as torch from '../../lib/index';

const { nn } = torch;

class DdpNet extends nn.Module {
  constructor() {
    super();
    this.registerModule('conv1', new nn.Conv2d(3, 6, 3, { padding: 1 }));
    this.registerModule('conv2', new nn.Conv2d(6, 8, 3, { stride: 2, padding: 1 }));
    this.registerModule('fc', new nn.Linear(8, 4));
    this.registerParameter('shift', nn.Parameter(torch.randn([4]), false));
    this.registerBuffer('scale', torch.rand([8]).add(0.5));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return torch.tidy(() => {
      let h = nn.F.relu(this.getChild<torch.nn.Conv2d>('conv1').forward(x));
      h = nn.F.relu(this.getChild<torch.nn.Conv2d>('conv2').forward(h));
      h = nn.F.adaptiveAvgPool2d(h, 1).flatten(1).mul(this.getBuffer('scale')!);
      return this.getChild<torch.nn.Linear>('fc').forward(h).add(this.getParameter('shift')!);
    });
  }
}

export function ddpNet(): torch.nn.Module {
  return new DdpNet();
}
