/**
 * One PFENet training step and the checkpoint that resumes a run exactly. The step is a plain
 * function of (model, optimizer, batch) so a data-parallel wrapper can take the model's place.
 */
import * as fs from 'fs';
import { tidy } from '../../memory';
import { Module } from '../../nn/module';
import { Optimizer } from '../../optim/optimizer';
import { LRScheduler } from '../../optim/lr_scheduler/lr_scheduler';
import { load } from '../../serialization/torch-load';
import { save } from '../../serialization/torch-save';
import { Tensor } from '../../tensor';
import { EpisodeBatch } from '../tensors';
import type { PFENetTrainOutput } from './model';

export interface StepResult {
  loss: number;
  mainLoss: number;
  auxLoss: number;
}

/** A module whose forward is PFENet's (the model itself, or a wrapper around it). */
export interface PFENetLike extends Module {
  forward(query: Tensor, supportImages: Tensor, supportMasks: Tensor, target?: Tensor): Tensor | PFENetTrainOutput;
}

/**
 * zero_grad, forward with the query labels, loss = main + auxWeight·aux (the official
 * aux_weight 1.0), backward, optimizer step. The model must be in training mode.
 */
export function trainStep(model: PFENetLike, optimizer: Optimizer, batch: EpisodeBatch, auxWeight = 1.0): StepResult {
  if (!model.training) throw new RangeError('trainStep: the model is in eval mode (call model.train())');
  return tidy(() => {
    optimizer.zeroGrad();
    const out = model.forward(batch.query, batch.support, batch.supportMask, batch.queryMask);
    if (out instanceof Tensor) throw new TypeError('trainStep: the model returned logits only; PFENet returns the losses in training mode given targets');
    const loss = out.mainLoss.add(out.auxLoss.mul(auxWeight));
    loss.backward();
    optimizer.step();
    return { loss: loss.item() as number, mainLoss: out.mainLoss.item() as number, auxLoss: out.auxLoss.item() as number };
  });
}

export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  bestMIoU: number;
  /** Anything JSON-able the run wants back (its options). */
  meta: Record<string, unknown>;
}

/**
 * {epoch, state_dict, optimizer, scheduler, best_miou, meta} with torch.save (atomic), the
 * layout of PFENet's own checkpoints plus what an exact resume needs.
 */
export function saveCheckpoint(file: string, model: Module, optimizer: Optimizer, scheduler: LRScheduler, c: Checkpoint): void {
  save(new Map<string, unknown>([
    ['epoch', c.epoch],
    ['state_dict', model.stateDict()],
    ['optimizer', optimizer.stateDict()],
    ['scheduler', scheduler.stateDict()],
    ['best_miou', c.bestMIoU],
    ['meta', JSON.stringify(c.meta)],
  ]), file);
}

function field(m: Map<string, unknown>, key: string, file: string): unknown {
  if (!m.has(key)) throw new Error(`${file}: not a PFENet training checkpoint (no '${key}')`);
  return m.get(key);
}

/** Reads a checkpoint's model weights only (eval, or fine-tuning from it). Caller disposes. */
export function loadCheckpointState(file: string): { stateDict: Map<string, Tensor>; checkpoint: Checkpoint | null } {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const v = load(file);
  if (v instanceof Map && v.has('state_dict')) {
    const rest = [...v.entries()].filter(([k]) => k !== 'state_dict');
    disposeValue(rest.map(([, x]) => x));
    return {
      stateDict: v.get('state_dict') as Map<string, Tensor>,
      checkpoint: { epoch: Number(v.get('epoch') ?? 0), bestMIoU: Number(v.get('best_miou') ?? 0), meta: parseMeta(v.get('meta')) },
    };
  }
  if (v instanceof Map) return { stateDict: v as Map<string, Tensor>, checkpoint: null };
  throw new Error(`${file}: expected a state_dict or a training checkpoint`);
}

function parseMeta(v: unknown): Record<string, unknown> {
  return typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : {};
}

/** Restores model, optimizer and scheduler from saveCheckpoint's file; returns its counters. */
export function resumeCheckpoint(file: string, model: Module, optimizer: Optimizer, scheduler: LRScheduler): Checkpoint {
  const v = load(file);
  try {
    if (!(v instanceof Map)) throw new Error(`${file}: not a PFENet training checkpoint`);
    model.loadStateDict(field(v, 'state_dict', file) as Map<string, Tensor>);
    optimizer.loadStateDict(field(v, 'optimizer', file) as Map<string, unknown>);
    scheduler.loadStateDict(field(v, 'scheduler', file) as Record<string, unknown>);
    return { epoch: Number(field(v, 'epoch', file)), bestMIoU: Number(field(v, 'best_miou', file)), meta: parseMeta(v.get('meta')) };
  } finally {
    disposeValue(v);
  }
}

function disposeValue(value: unknown): void {
  const stack = [value];
  while (stack.length) {
    const x = stack.pop();
    if (x instanceof Tensor) x.dispose();
    else if (Array.isArray(x) || x instanceof Map) for (const y of x.values()) stack.push(y);
    else if (x && typeof x === 'object') for (const y of Object.values(x)) stack.push(y);
  }
}
