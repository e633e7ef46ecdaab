/**
 * nn.Embedding and nn.EmbeddingBag (torch/nn/modules/sparse.py): F.embedding / F.embedding_bag
 * over a learnt (num, dim) table.
 */
import { noGrad } from '../autograd';
import { Tensor } from '../tensor';
import { oneOf } from '../validate';
import { bool, factory, FactoryOptions, int, num, optTensor, options, tensor } from './args';
import { embedding, embeddingBag, EmbeddingBagMode, paddingIndex } from './functional/embedding';
import { normal_ } from './init';
import { Module, Parameter } from './module';
import { emptyParameter } from './parameter';

/** The (num, dim) weight of both modules: `_weight` as given (its storage shared), else N(0, 1) with the padding row zero. */
function registerWeight(m: Module & { resetParameters(): void }, num: number, dim: number, given: Tensor | null, o: FactoryOptions): void {
  if (given === null) {
    m.registerParameter('weight', emptyParameter([num, dim], factory(o)));
    m.resetParameters();
    return;
  }
  const s = given.shape;
  if (s.length !== 2 || s[0] !== num || s[1] !== dim) throw new RangeError('Shape of weight does not match num_embeddings and embedding_dim');
  m.registerParameter('weight', Parameter(given));
}

/** weight ~ N(0, 1), the padding row zero (PyTorch's reset_parameters of both modules). */
function resetWeight(weight: Tensor, paddingIdx: number | null): void {
  normal_(weight);
  if (paddingIdx === null) return;
  noGrad(() => {
    const row = weight.select(0, paddingIdx);
    try { row.fill_(0); } finally { row.dispose(); }
  });
}

/** A 2-D `embeddings` for fromPretrained, with its (rows, cols). */
function pretrained(embeddings: Tensor): [Tensor, number, number] {
  const e = tensor(embeddings, 'embeddings');
  if (e.ndim !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
  return [e, e.shape[0], e.shape[1]];
}

export interface EmbeddingModuleOptions extends FactoryOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
  /** A (numEmbeddings, embeddingDim) tensor the weight Parameter is made from (shares its storage), as PyTorch's `_weight`. */
  _weight?: Tensor | null;
  /** With `_weight`: the weight does not require grad (PyTorch's `_freeze`). */
  _freeze?: boolean;
}

const EMBEDDING_KEYS = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse', '_weight', '_freeze', 'device', 'dtype'];

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    const o = options(opts, 'Embedding', EMBEDDING_KEYS);
    this.numEmbeddings = int(numEmbeddings, 'numEmbeddings', 0);
    this.embeddingDim = int(embeddingDim, 'embeddingDim', 0);
    this.paddingIdx = paddingIndex(o.paddingIdx, this.numEmbeddings);
    this.maxNorm = o.maxNorm === undefined || o.maxNorm === null ? null : num(o.maxNorm, 'maxNorm');
    this.normType = num(o.normType ?? 2, 'normType');
    this.scaleGradByFreq = bool(o.scaleGradByFreq ?? false, 'scaleGradByFreq');
    this.sparse = bool(o.sparse ?? false, 'sparse');
    registerWeight(this, this.numEmbeddings, this.embeddingDim, optTensor(o._weight, '_weight'), o);
    if (bool(o._freeze ?? false, '_freeze')) this.weight.requiresGrad_(false);
  }

  resetParameters(): void {
    resetWeight(this.weight, this.paddingIdx);
  }

  get weight(): Tensor {
    return this.getParameter('weight')!;
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq, sparse: this.sparse,
    });
  }

  extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, norm_type=${this.normType}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }

  /** Embedding.from_pretrained(embeddings (num, dim), {freeze=true, …}): the weight shares the embeddings' storage. */
  static fromPretrained(embeddings: Tensor, opts: Omit<EmbeddingModuleOptions, '_weight' | '_freeze' | 'device' | 'dtype'> & { freeze?: boolean } = {}): Embedding {
    const { freeze, ...rest } = options(opts, 'Embedding.fromPretrained', ['freeze', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
    const [e, rows, cols] = pretrained(embeddings);
    return new Embedding(rows, cols, { ...rest, _weight: e, _freeze: bool(freeze ?? true, 'freeze') });
  }
}

export interface EmbeddingBagModuleOptions extends FactoryOptions {
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  /** A (numEmbeddings, embeddingDim) tensor the weight Parameter is made from (shares its storage), as PyTorch's `_weight`. */
  _weight?: Tensor | null;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
}

const KEYS = ['maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', '_weight', 'includeLastOffset', 'paddingIdx', 'device', 'dtype'];

export class EmbeddingBag extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly mode: EmbeddingBagMode;
  readonly sparse: boolean;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingBagModuleOptions = {}) {
    super();
    const o = options(opts, 'EmbeddingBag', KEYS);
    this.numEmbeddings = int(numEmbeddings, 'numEmbeddings', 0);
    this.embeddingDim = int(embeddingDim, 'embeddingDim', 0);
    this.maxNorm = o.maxNorm === undefined || o.maxNorm === null ? null : num(o.maxNorm, 'maxNorm');
    this.normType = num(o.normType ?? 2, 'normType');
    this.scaleGradByFreq = bool(o.scaleGradByFreq ?? false, 'scaleGradByFreq');
    this.paddingIdx = paddingIndex(o.paddingIdx, this.numEmbeddings);
    registerWeight(this, this.numEmbeddings, this.embeddingDim, optTensor(o._weight, '_weight'), o);
    this.mode = oneOf(o.mode ?? 'mean', 'mode', ['sum', 'mean', 'max'] as const);
    this.sparse = bool(o.sparse ?? false, 'sparse');
    this.includeLastOffset = bool(o.includeLastOffset ?? false, 'includeLastOffset');
  }

  resetParameters(): void {
    resetWeight(this.weight, this.paddingIdx);
  }

  get weight(): Tensor {
    return this.getParameter('weight')!;
  }

  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return embeddingBag(input, this.weight, {
      offsets, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq, mode: this.mode,
      sparse: this.sparse, perSampleWeights, includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx,
    });
  }

  extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, norm_type=${this.normType}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    s += `, mode='${this.mode}'`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }

  /** EmbeddingBag.from_pretrained(embeddings (num, dim), {freeze=true, …}): the weight shares the embeddings' storage. */
  static fromPretrained(embeddings: Tensor, opts: Omit<EmbeddingBagModuleOptions, '_weight' | 'device' | 'dtype'> & { freeze?: boolean } = {}): EmbeddingBag {
    const { freeze, ...rest } = options(opts, 'EmbeddingBag.fromPretrained', ['freeze', ...KEYS.filter((k) => !['_weight', 'device', 'dtype'].includes(k))]);
    const [e, rows, cols] = pretrained(embeddings);
    const bag = new EmbeddingBag(rows, cols, { ...rest, _weight: e });
    bag.weight.requiresGrad_(!bool(freeze ?? true, 'freeze'));
    return bag;
  }
}
