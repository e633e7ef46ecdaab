/** nn.EmbeddingBag (torch/nn/modules/sparse.py): F.embedding_bag over a learnt (num, dim) table. */
import { noGrad } from '../autograd';
import { Tensor } from '../tensor';
import { oneOf } from '../validate';
import { bool, factory, FactoryOptions, int, num, optTensor, options, tensor } from './args';
import { embeddingBag, EmbeddingBagMode } from './functional/embedding';
import { normal_ } from './init';
import { Module, Parameter } from './module';
import { emptyParameter } from './parameter';

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
    let paddingIdx = o.paddingIdx === undefined || o.paddingIdx === null ? null : int(o.paddingIdx, 'paddingIdx');
    if (paddingIdx !== null) {
      if (paddingIdx >= this.numEmbeddings || paddingIdx < -this.numEmbeddings) throw new RangeError('padding_idx must be within num_embeddings');
      if (paddingIdx < 0) paddingIdx += this.numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    const given = optTensor(o._weight, '_weight');
    if (given === null) {
      this.registerParameter('weight', emptyParameter([this.numEmbeddings, this.embeddingDim], factory(o)));
      this.resetParameters();
    } else {
      const s = given.shape;
      if (s.length !== 2 || s[0] !== this.numEmbeddings || s[1] !== this.embeddingDim) throw new RangeError('Shape of weight does not match num_embeddings and embedding_dim');
      this.registerParameter('weight', Parameter(given));
    }
    this.mode = oneOf(o.mode ?? 'mean', 'mode', ['sum', 'mean', 'max'] as const);
    this.sparse = bool(o.sparse ?? false, 'sparse');
    this.includeLastOffset = bool(o.includeLastOffset ?? false, 'includeLastOffset');
  }

  /** weight ~ N(0, 1), the padding row zero (PyTorch's reset_parameters). */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const idx = this.paddingIdx;
      noGrad(() => {
        const row = this.weight.select(0, idx);
        try { row.fill_(0); } finally { row.dispose(); }
      });
    }
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
    const e = tensor(embeddings, 'embeddings');
    if (e.ndim !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = e.shape;
    const bag = new EmbeddingBag(rows, cols, { ...rest, _weight: e });
    bag.weight.requiresGrad_(!bool(freeze ?? true, 'freeze'));
    return bag;
  }
}
