/** PFENet (Tian et al., TPAMI 2020) with the official keys, and SVF in it (applySvf, the recipe). */
export { PFENet, PFENetTrainOutput, IGNORE_LABEL } from './model';
export { BACKBONE_NAMES, HEAD_NAMES } from './names';
export { PFENetOptions } from './options';
export { ApplySvfOptions, RecipeOptions, applySvf, paramGroups, recipe, hasSvf } from './svf';
export { initmodelKey } from './backbone';
export { trainStep, saveCheckpoint, resumeCheckpoint, loadCheckpointState, StepResult, Checkpoint, PFENetLike } from './training';
