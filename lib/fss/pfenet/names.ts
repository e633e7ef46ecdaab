/** PFENet's module names, in the official registration order (the state_dict's order). */
export const BACKBONE_NAMES = ['layer0', 'layer1', 'layer2', 'layer3', 'layer4'] as const;
/** The head's modules, registered after layer0–layer4. */
export const HEAD_NAMES = ['cls', 'down_query', 'down_supp', 'init_merge', 'beta_conv', 'inner_cls', 'res1', 'res2', 'alpha_conv'] as const;
