/** optim: torch.optim's SGD and AdamW and the LR schedulers, with PyTorch 1.13's update math. */
export { Optimizer, ParamGroup, ParamGroupInput, ParamState, StateValue, OptimizerStateDict, OptionValue } from './optimizer';
export { SGD, SGDOptions, SGDParamGroup } from './sgd';
export { AdamW, AdamWOptions, AdamWParamGroup } from './adamw';
export * as lrScheduler from './lr_scheduler/index';
