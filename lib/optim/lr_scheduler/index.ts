export { LRScheduler } from './lr_scheduler';
export { StepLR, StepLROptions } from './step_lr';
export { PolyLR, PolyLROptions, PolynomialLR, PolynomialLROptions } from './polynomial_lr';
export { CosineAnnealingLR, CosineAnnealingLROptions } from './cosine_annealing_lr';
