/**
 * The base of every optimizer, after torch/optim/optimizer.py (PyTorch 1.13): parameter groups
 * whose options override the defaults, per-parameter state, zeroGrad, stateDict/loadStateDict
 * in PyTorch's layout, and a `step()` that runs the update with gradient recording off.
 *
 * Options are camelCase in TS (`weightDecay`); stateDict() writes PyTorch's snake_case keys
 * (`weight_decay`, `initial_lr`) so a file written by torch.save loads into Python's optimizer,
 * and loadStateDict() accepts them back.
 */
import { isFloatingDType } from '../dtype';
import { libtorchAtLeast } from '../runtime';
import { enableGrad, noGrad } from '../autograd';
import { keep, tidy } from '../memory';
import { native } from '../native';
import { Tensor } from '../tensor';
import { detach_ } from './param_ops';

/** An option value as PyTorch stores it in a param group (null for Python's None). */
export type OptionValue = number | boolean | null | number[];

/** What every param group holds; optimizers add their own options. */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  /** Set by the first LR scheduler attached (PyTorch's `initial_lr`). */
  initialLr?: number;
}

/** A param group as given to a constructor or addParamGroup: any option may be left to the defaults. */
export type ParamGroupInput<G extends ParamGroup = ParamGroup> = { params: Tensor | Tensor[] } & Partial<Omit<G, 'params'>>;

/** One parameter's state (`momentum_buffer`, `exp_avg`, `step`, ...): PyTorch's keys. */
export type StateValue = Tensor | number | null;
export type ParamState = Map<string, StateValue>;

/** PyTorch's `optimizer.state_dict()`: state by parameter index, groups with parameter indices. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  param_groups: Record<string, unknown>[];
}

export const toSnakeCase = (k: string): string => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
export const toCamelCase = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Tensor);
}

/** Entries of a Map or of a plain object (what torch.load or a user may hand back). */
function entriesOf(v: unknown, what: string): [unknown, unknown][] {
  if (v instanceof Map) return [...v.entries()];
  if (isRecord(v)) return Object.entries(v);
  throw new TypeError(`${what} must be a Map or an object`);
}

function disposeState(st: ParamState): void {
  for (const v of st.values()) if (v instanceof Tensor) v.dispose();
}

export abstract class Optimizer<G extends ParamGroup = ParamGroup> {
  /** Options a group does not set; `undefined` marks a required option (SGD's lr). */
  readonly defaults: Readonly<Record<string, OptionValue | undefined>>;
  readonly paramGroups: G[] = [];
  /** Per-parameter state, in the order parameters were first stepped (as Python's dict). */
  protected readonly state = new Map<Tensor, ParamState>();

  constructor(params: Tensor[] | ParamGroupInput<G>[], defaults: Record<string, OptionValue | undefined>) {
    if (params instanceof Tensor || !Array.isArray(params))
      throw new TypeError('params argument given to the optimizer should be an array of Tensors or param groups');
    if (params.length === 0) throw new RangeError('optimizer got an empty parameter list');
    this.defaults = Object.freeze({ ...defaults });
    const groups = params[0] instanceof Tensor ? [{ params: params as Tensor[] } as ParamGroupInput<G>] : (params as ParamGroupInput<G>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Checks a complete group's options (RangeError/TypeError); each optimizer knows its own. */
  protected abstract validateGroup(group: G): void;

  /** Runs one group's update; called under noGrad inside a tidy scope. */
  protected abstract updateGroup(group: G): void;

  /** Keys PyTorch keeps in every group that have no meaning here (`foreach`, ...): written by stateDict. */
  protected torchOnlyGroupKeys(): Record<string, OptionValue> {
    return {};
  }

  /** PyTorch's order of a group's keys (snake_case) in its state_dict; others follow. */
  protected torchGroupKeyOrder(): string[] {
    return [];
  }

  /** Adds a group (e.g. layers unfrozen later in training); options it omits take the defaults. */
  addParamGroup(group: ParamGroupInput<G>): void {
    if (!isRecord(group)) throw new TypeError('param group must be an object { params, ...options }');
    const raw = group.params as unknown;
    const params: unknown[] = raw instanceof Tensor ? [raw] : Array.isArray(raw) ? [...raw] : [];
    if (!(raw instanceof Tensor) && !Array.isArray(raw)) throw new TypeError('param group: params must be a Tensor or an array of Tensors');
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but params[${i}] is ${typeof p}`);
      if (!p.isLeaf) throw new TypeError("can't optimize a non-leaf Tensor");
    });
    const merged: Record<string, unknown> = { params };
    for (const [name, def] of Object.entries(this.defaults)) {
      const v = (group as Record<string, unknown>)[name];
      if (v === undefined && def === undefined)
        throw new TypeError(`parameter group didn't specify a value of required optimization parameter ${name}`);
      merged[name] = v === undefined ? (Array.isArray(def) ? [...def] : def) : v;
    }
    for (const [k, v] of Object.entries(group)) if (!(k in merged)) merged[k] = v;
    const full = merged as unknown as G;
    this.validateGroup(full);

    const tensors = params as Tensor[];
    if (tensors.some((p, i) => tensors.some((q, j) => j < i && native.sameTensor(p.handle, q.handle))))
      process.emitWarning('optimizer contains a parameter group with duplicate parameters; in future, this will cause an error');
    for (const other of this.paramGroups)
      for (const q of other.params)
        if (tensors.some((p) => native.sameTensor(p.handle, q.handle)))
          throw new RangeError('some parameters appear in more than one parameter group');
    this.paramGroups.push(full);
  }

  /**
   * Performs one update of every parameter that has a gradient (parameters whose `.grad` is
   * null are skipped). `closure`, when given, re-evaluates the loss with gradients on first.
   */
  step<T>(closure?: () => T): T | undefined {
    let loss: T | undefined;
    if (closure !== undefined) {
      if (typeof closure !== 'function') throw new TypeError('step(closure): closure must be a function');
      loss = enableGrad(closure);
    }
    noGrad(() => {
      for (const group of this.paramGroups) tidy(() => this.updateGroup(group));
    });
    return loss;
  }

  /**
   * Clears the gradients: with `setToNone` each is dropped (`.grad` becomes null), without it
   * detached and zeroed in place. The default is that of the LibTorch line's Python torch:
   * `true` from 2.0 on, `false` in 1.13.
   */
  zeroGrad(setToNone: boolean = libtorchAtLeast(2, 0)): void {
    if (typeof setToNone !== 'boolean') throw new TypeError('zeroGrad(setToNone): setToNone must be a boolean');
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        try {
          if (setToNone) {
            p.grad = null;
          } else {
            if (g.gradFn !== null) detach_(g);
            else g.requiresGrad_(false);
            g.zero_();
          }
        } finally {
          g.dispose(); // a fresh handle per read; the gradient itself lives on in the parameter
        }
      }
    }
  }

  /** The state of `param` (PyTorch's `optimizer.state[p]`), created empty on first use. */
  protected stateOf(param: Tensor): ParamState {
    let st = this.state.get(param);
    if (st === undefined) {
      st = new Map();
      this.state.set(param, st);
    }
    return st;
  }

  /** Stores a state tensor for good: kept past every tidy scope, the one it replaces freed. */
  protected setState(st: ParamState, key: string, value: StateValue): void {
    const old = st.get(key);
    if (value instanceof Tensor) keep(value);
    if (old instanceof Tensor && old !== value) old.dispose();
    st.set(key, value);
  }

  /**
   * PyTorch's `state_dict()`. The state tensors are the optimizer's own (as in PyTorch, not
   * copies): save or clone them, do not dispose them. Keys are PyTorch's, so torch.save of
   * this object loads into Python's `optimizer.load_state_dict`.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const extras = this.torchOnlyGroupKeys();
    const param_groups = this.paramGroups.map((group) => {
      const options: Record<string, unknown> = { ...extras };
      for (const [k, v] of Object.entries(group)) {
        if (k === 'params' || k === 'initialLr') continue;
        options[toSnakeCase(k)] = Array.isArray(v) ? [...v] : v;
      }
      const packed: Record<string, unknown> = {};
      for (const k of this.torchGroupKeyOrder()) if (k in options) packed[k] = options[k];
      for (const [k, v] of Object.entries(options)) if (!(k in packed)) packed[k] = v;
      if (group.initialLr !== undefined) packed.initial_lr = group.initialLr;
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p) as number);
      start += group.params.length;
      return packed;
    });
    const state = new Map<number, ParamState>();
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state.set(i, new Map(st));
    }
    return { state, param_groups };
  }

  /**
   * PyTorch's `load_state_dict()`: groups must match in number and sizes; the saved options
   * replace the groups' options (missing ones take the defaults); state tensors are copied,
   * cast to their parameter's dtype (floating parameters) and device, except `step`.
   */
  loadStateDict(stateDict: OptimizerStateDict | Record<string, unknown> | Map<string, unknown>): void {
    const sd = stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict;
    if (!isRecord(sd)) throw new TypeError('loadStateDict(stateDict): expected { state, param_groups }');
    const saved = sd.param_groups as unknown;
    if (!Array.isArray(saved)) throw new TypeError('loadStateDict: param_groups must be an array');
    const savedGroups = saved.map((g, i) => Object.fromEntries(entriesOf(g, `param_groups[${i}]`)) as Record<string, unknown>);
    if (savedGroups.length !== this.paramGroups.length)
      throw new RangeError('loaded state dict has a different number of parameter groups');
    const idMap = new Map<number, Tensor>();
    savedGroups.forEach((g, gi) => {
      const ids = g.params;
      if (!Array.isArray(ids)) throw new TypeError(`loadStateDict: param_groups[${gi}].params must be an array of indices`);
      if (ids.length !== this.paramGroups[gi].params.length)
        throw new RangeError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      ids.forEach((id, j) => idMap.set(Number(id), this.paramGroups[gi].params[j]));
    });

    // Build everything first so a bad state dict leaves the optimizer as it was.
    const extras = this.torchOnlyGroupKeys();
    const newGroups = savedGroups.map((g, gi) => {
      const group: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(this.defaults)) if (v !== undefined) group[k] = Array.isArray(v) ? [...v] : v;
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params' || k in extras) continue;
        group[toCamelCase(k)] = Array.isArray(v) ? [...v] : v;
      }
      group.params = this.paramGroups[gi].params;
      const full = group as unknown as G;
      this.validateGroup(full);
      return full;
    });
    const newState = new Map<Tensor, ParamState>();
    try {
      for (const [k, v] of entriesOf(sd.state, 'state')) {
        const param = idMap.get(Number(k));
        if (param === undefined) continue; // PyTorch keeps such entries, but nothing could use them
        const st: ParamState = new Map();
        newState.set(param, st);
        for (const [key, value] of entriesOf(v, `state[${String(k)}]`)) {
          st.set(String(key), this.copyStateValue(param, String(key), value));
        }
      }
    } catch (e) {
      for (const st of newState.values()) disposeState(st);
      throw e;
    }
    for (const st of this.state.values()) disposeState(st);
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
    newGroups.forEach((g, i) => {
      this.paramGroups[i] = g;
    });
  }

  private copyStateValue(param: Tensor, key: string, value: unknown): StateValue {
    if (value instanceof Tensor) {
      if (key === 'step') return keep(value.clone());
      const dtype = isFloatingDType(param.dtype) ? param.dtype : value.dtype;
      return keep(value.to({ dtype, device: param.device }, { copy: true }));
    }
    if (typeof value === 'bigint') return Number(value);
    if (value === null || value === undefined || typeof value === 'number') return value ?? null;
    throw new TypeError(`loadStateDict: state value '${key}' must be a Tensor, a number or null`);
  }

  /** Frees the optimizer's state tensors (the parameters are not touched). */
  dispose(): void {
    for (const st of this.state.values()) disposeState(st);
    this.state.clear();
  }
}
