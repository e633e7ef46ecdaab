/** torch.vision: image files (io). */
export * as io from './io';
