/**
 * PFENet's head modules, built as the official model/PFENet.py builds them (same nesting, so the
 * same state_dict keys): down_query/down_supp (1×1 to 256, ReLU, Dropout2d 0.5), per pyramid bin
 * init_merge (1×1 over query ⊕ prototype ⊕ prior), beta_conv (two 3×3), inner_cls (3×3, Dropout2d
 * 0.1, 1×1 → classes), alpha_conv between consecutive bins (1×1 over this ⊕ the previous bin),
 * res1/res2 after the merge and cls. PyTorch's default initialisation (the official code adds none).
 */
import { ReLU } from '../../nn/activation';
import { Conv2d } from '../../nn/conv';
import { ModuleList, Sequential } from '../../nn/container';
import { Dropout2d } from '../../nn/dropout';
import { Module } from '../../nn/module';

export const REDUCE_DIM = 256;

const relu = () => new ReLU({ inplace: true });
const conv1x1 = (i: number, o: number) => new Conv2d(i, o, 1, { padding: 0, bias: false });
const conv3x3 = (i: number, o: number) => new Conv2d(i, o, 3, { padding: 1, bias: false });

/** 3×3, ReLU, Dropout2d(0.1), 1×1 with bias → classes (cls and every inner_cls). */
export function classifier(classes: number): Sequential {
  return new Sequential(conv3x3(REDUCE_DIM, REDUCE_DIM), relu(), new Dropout2d(0.1), new Conv2d(REDUCE_DIM, classes, 1));
}

/** 1×1 from the concatenated layer3 ⊕ layer2 features to 256, ReLU, Dropout2d(0.5). */
export function reduction(feaDim: number): Sequential {
  return new Sequential(conv1x1(feaDim, REDUCE_DIM), relu(), new Dropout2d(0.5));
}

/** Two 3×3 + ReLU (beta_conv, res2). */
export function doubleConv(): Sequential {
  return new Sequential(conv3x3(REDUCE_DIM, REDUCE_DIM), relu(), conv3x3(REDUCE_DIM, REDUCE_DIM), relu());
}

/** One module per pyramid bin (init_merge, beta_conv, inner_cls). */
export function perBin(bins: number, make: () => Module): ModuleList {
  return new ModuleList(Array.from({ length: bins }, make));
}

/** 1×1 over query ⊕ prototype ⊕ prior (256 + 256 + 1) to 256, ReLU. */
export function initMerge(bins: number): ModuleList {
  return perBin(bins, () => new Sequential(conv1x1(REDUCE_DIM * 2 + 1, REDUCE_DIM), relu()));
}

export function alphaConv(bins: number): ModuleList {
  // the official code uses a plain nn.ReLU() here (not in place): same function
  return new ModuleList(Array.from({ length: bins - 1 }, () => new Sequential(conv1x1(2 * REDUCE_DIM, REDUCE_DIM), new ReLU())));
}

export function res1(bins: number): Sequential {
  return new Sequential(conv1x1(REDUCE_DIM * bins, REDUCE_DIM), relu());
}
