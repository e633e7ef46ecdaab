/** Shared option and result types of the SVF toolkit (lib/svf). */

export interface ResolverOptions {
  /** Fraction of each layer's full rank to keep (1.0 = exact decomposition). */
  globalLowRankRatio?: number;
  /** Dotted module names (as in namedModules) that stay dense. */
  excludedLayers?: string[];
  /** Per-layer ratio overriding globalLowRankRatio, keyed by dotted module name. */
  customizedLayersLowRankRatio?: Record<string, number>;
  /** Leave layers whose squeezed weight is 2-D (1×1 convs, Linear) dense. */
  skip1x1?: boolean;
  /** Leave layers whose squeezed weight is 4-D (k×k convs) dense. */
  skip3x3?: boolean;
  /** Ranks are rounded down to a multiple of this (default 4, as the original resolver; 1 makes any ratio exact). */
  rankMultiple?: number;
  /** How the new SVD layers execute (see ExecutionMode). */
  mode?: ExecutionMode;
  /** Factorization algorithm: LAPACK SVD, or the eigendecomposition of the smaller Gram matrix. */
  method?: DecompositionMethod;
}

/**
 * 'factored': conv_V → ×S → conv_U (three ops, as the original code).
 * 'merged': one dense op with W = U·diag(S)·V (cached while U, S, V are unchanged).
 * 'auto': merged when nothing in the layer needs a gradient (frozen or no-grad); when S
 * trains, whichever costs fewer multiply-adds for the input's shape.
 */
export type ExecutionMode = 'auto' | 'merged' | 'factored';

export type DecompositionMethod = 'svd' | 'gram';

/** Which layers a policy trains; layers are [layer0, …, layer4] as models.resnetLayers gives. */
export interface PolicyOptions {
  /** Indices of the layers whose singular values train (default [2, 3, 4]). */
  trainS?: number[];
  /** Also train BatchNorm weight/bias in the trainS layers. */
  trainBnAffine?: boolean;
  /** Also train conv_U/conv_V (fc_U/fc_V) in the trainS layers. */
  trainUV?: boolean;
  /** Swap BatchNorm of the frozen parts for FrozenBatchNorm2d, eval whatever train() says (default true). */
  freezeBn?: boolean;
  /**
   * Fuse those frozen BatchNorms into the SVD convolution before them (svf.fuseBatchNorm;
   * default true): the same function up to float rounding, one op instead of two, no saved
   * BatchNorm input.
   */
  foldBn?: boolean;
}
