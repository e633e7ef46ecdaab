/**
 * nn.Module with the semantics of torch/nn/modules/module.py: ordered registries of
 * parameters, buffers (persistent or not) and child modules; dotted names; state_dict keys
 * and order exactly as PyTorch's; load_state_dict reporting missing/unexpected keys.
 *
 * Children and parameters are always read from the registries (never cached in fields), so
 * replacing a child with setSubmodule is what the next forward runs.
 */
import { noGrad } from '../autograd';
import { Device, isDevice } from '../device';
import { DType, isDType, isFloatingDType } from '../dtype';
import { TorchError } from '../errors';
import { keep } from '../memory';
import { native } from '../native';
import { atenOp } from '../oplayer/dispatch';
import { Tensor } from '../tensor';

const SET_DATA = atenOp('set_data');

/** nn.Parameter: a leaf tensor that requires grad (by default), registered by modules. */
export function Parameter(data: Tensor, requiresGrad = true): Tensor {
  if (!(data instanceof Tensor)) throw new TypeError('Parameter(data): data must be a Tensor');
  const p = noGrad(() => data.detach());
  p.requiresGrad_(requiresGrad);
  return p;
}

/** The `version` a state_dict's `_metadata` records for the module at `prefix` (Map or object form). */
function moduleVersion(metadata: unknown, prefix: string): number | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const entry = metadata instanceof Map ? metadata.get(prefix) : (metadata as Record<string, unknown>)[prefix];
  if (entry === null || typeof entry !== 'object') return undefined;
  const v = entry instanceof Map ? entry.get('version') : (entry as Record<string, unknown>).version;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export type StateDictInput = Map<string, Tensor> | Record<string, Tensor>;

function checkName(name: unknown, kind: string): string {
  if (typeof name !== 'string') throw new TypeError(`${kind} name must be a string`);
  if (name === '') throw new TypeError(`${kind} name can't be empty string ""`);
  if (name.includes('.')) throw new TypeError(`${kind} name can't contain ".", got '${name}'`);
  return name;
}

export class Module {
  training = true;
  protected readonly _parameters = new Map<string, Tensor | null>();
  protected readonly _buffers = new Map<string, Tensor | null>();
  protected readonly _nonPersistentBuffers = new Set<string>();
  protected readonly _modules = new Map<string, Module | null>();

  /** The computation; subclasses override. Call `m.forward(x)` (TS classes are not callable). */
  forward(..._args: any[]): any {
    throw new TorchError(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  // ---- registration ------------------------------------------------------------------------
  registerParameter(name: string, param: Tensor | null): void {
    checkName(name, 'parameter');
    if (param !== null && !(param instanceof Tensor)) throw new TypeError(`cannot assign '${typeof param}' as parameter '${name}' (Tensor or null expected)`);
    if (this._buffers.has(name) || this._modules.has(name)) throw new TypeError(`attribute '${name}' already exists as a buffer or module`);
    if (param !== null) keep(param);
    this._parameters.set(name, param);
  }

  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    checkName(name, 'buffer');
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`cannot assign '${typeof tensor}' as buffer '${name}' (Tensor or null expected)`);
    if (this._parameters.has(name) || this._modules.has(name)) throw new TypeError(`attribute '${name}' already exists as a parameter or module`);
    if (tensor !== null) keep(tensor);
    this._buffers.set(name, tensor);
    if (opts.persistent ?? true) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
  }

  registerModule(name: string, module: Module | null): void {
    checkName(name, 'module');
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${String(module)} is not a Module subclass`);
    if (this._parameters.has(name) || this._buffers.has(name)) throw new TypeError(`attribute '${name}' already exists as a parameter or buffer`);
    this._modules.set(name, module);
  }
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** Own parameter by name (null when registered as None); throws if not registered. */
  getParameter(name: string): Tensor | null {
    if (!this._parameters.has(name)) throw new TorchError(`${this.constructor.name} has no parameter '${name}'`);
    return this._parameters.get(name) ?? null;
  }
  getBuffer(name: string): Tensor | null {
    if (!this._buffers.has(name)) throw new TorchError(`${this.constructor.name} has no buffer '${name}'`);
    return this._buffers.get(name) ?? null;
  }
  /** Own child by name; throws if absent. */
  getChild<M extends Module = Module>(name: string): M {
    const m = this._modules.get(name);
    if (!m) throw new TorchError(`${this.constructor.name} has no child module '${name}'`);
    return m as M;
  }
  hasParameter(name: string): boolean { return this._parameters.has(name); }
  hasBuffer(name: string): boolean { return this._buffers.has(name); }
  hasChild(name: string): boolean { return this._modules.has(name); }

  // ---- traversal ---------------------------------------------------------------------------
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }
  children(): Module[] { return this.namedChildren().map(([, m]) => m); }

  namedModules(prefix = '', removeDuplicate = true, memo: Set<Module> = new Set()): [string, Module][] {
    const out: [string, Module][] = [];
    if (removeDuplicate && memo.has(this)) return out;
    if (removeDuplicate) memo.add(this);
    out.push([prefix, this]);
    for (const [name, m] of this._modules) {
      if (!m) continue;
      out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name, removeDuplicate, memo));
    }
    return out;
  }
  modules(): Module[] { return this.namedModules().map(([, m]) => m); }

  private namedMembers(kind: '_parameters' | '_buffers', prefix: string, recurse: boolean, removeDuplicate: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix, removeDuplicate) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, t] of m[kind]) {
        if (!t || (removeDuplicate && seen.has(t))) continue;
        seen.add(t);
        out.push([modPrefix ? `${modPrefix}.${name}` : name, t]);
      }
    }
    return out;
  }
  namedParameters(prefix = '', recurse = true, removeDuplicate = true): [string, Tensor][] {
    return this.namedMembers('_parameters', prefix, recurse, removeDuplicate);
  }
  parameters(recurse = true): Tensor[] { return this.namedParameters('', recurse).map(([, t]) => t); }
  namedBuffers(prefix = '', recurse = true, removeDuplicate = true): [string, Tensor][] {
    return this.namedMembers('_buffers', prefix, recurse, removeDuplicate);
  }
  buffers(recurse = true): Tensor[] { return this.namedBuffers('', recurse).map(([, t]) => t); }

  /** The module at a dotted path ('' is this module), as torch's get_submodule. */
  getSubmodule(target: string): Module {
    if (typeof target !== 'string') throw new TypeError('getSubmodule(target): target must be a string');
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod._modules.get(item);
      if (!next) throw new TorchError(`${mod.constructor.name} has no attribute \`${item}\` (looking up '${target}')`);
      mod = next;
    }
    return mod;
  }

  /** Replaces (or adds) the module at a dotted path; the parent must exist. */
  setSubmodule(target: string, module: Module): void {
    if (typeof target !== 'string' || target === '') throw new TypeError('setSubmodule(target, module): target must be a non-empty dotted path');
    if (!(module instanceof Module)) throw new TypeError('setSubmodule(target, module): module must be a Module');
    const parts = target.split('.');
    const last = parts.pop()!;
    const parent = this.getSubmodule(parts.join('.'));
    parent.registerModule(last, module);
  }

  // ---- state dict --------------------------------------------------------------------------
  /**
   * PyTorch's state_dict: for each module in registration order, its parameters, then its
   * persistent buffers, then its children. Values are detached aliases (no copies).
   */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.saveToStateDict(out, opts.prefix ?? '', opts.keepVars ?? false);
    return out;
  }

  protected saveToStateDict(out: Map<string, Tensor>, prefix: string, keepVars: boolean): void {
    for (const [name, p] of this._parameters) if (p) out.set(prefix + name, keepVars ? p : p.detach());
    for (const [name, b] of this._buffers) {
      if (b && !this._nonPersistentBuffers.has(name)) out.set(prefix + name, keepVars ? b : b.detach());
    }
    for (const [name, m] of this._modules) if (m) m.saveToStateDict(out, `${prefix}${name}.`, keepVars);
  }

  /**
   * Copies matching entries in place (parameters keep their identity). Shape mismatches always
   * throw; missing/unexpected keys throw when strict. Every offending key is named.
   */
  loadStateDict(stateDict: StateDictInput, opts: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    if (typeof strict !== 'boolean') throw new TypeError('loadStateDict: strict must be a boolean');
    if (!(stateDict instanceof Map) && (stateDict === null || typeof stateDict !== 'object'))
      throw new TypeError('loadStateDict(stateDict): expected a Map<string, Tensor> or an object of tensors');
    // a copy, so that modules can upgrade old layouts (as _load_from_state_dict does) without
    // touching the caller's dict; `_metadata` (module versions, kept by torch.load) decides
    const sd = new Map(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
    const metadata = (stateDict as { _metadata?: unknown })._metadata;
    const added: Tensor[] = [];
    for (const [prefix, m] of this.namedModules()) added.push(...m.upgradeStateDict(sd, prefix ? `${prefix}.` : '', moduleVersion(metadata, prefix)));
    try {
      return this.copyStateDict(sd, strict);
    } finally {
      for (const t of added) t.dispose();
    }
  }

  /**
   * Brings entries of an older layout of this module up to date in `sd` (keys under `prefix`),
   * given the version its state_dict was saved with (undefined: unknown, as PyTorch treats a
   * dict without `_metadata`). Returns the tensors it created (disposed after loading).
   */
  protected upgradeStateDict(_sd: Map<string, unknown>, _prefix: string, _version: number | undefined): Tensor[] {
    return [];
  }

  private copyStateDict(sd: Map<string, unknown>, strict: boolean): LoadStateDictResult {
    const missingKeys: string[] = [];
    const errors: string[] = [];
    const own = this.stateDict({ keepVars: true });
    noGrad(() => {
      for (const [key, target] of own) {
        const src = sd.get(key);
        if (src === undefined) {
          missingKeys.push(key);
          continue;
        }
        if (!(src instanceof Tensor)) {
          errors.push(`While copying the parameter named "${key}", expected a Tensor from checkpoint but received ${typeof src}`);
          continue;
        }
        const a = src.shape;
        const b = target.shape;
        if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
          errors.push(`size mismatch for ${key}: copying a param with shape [${a.join(', ')}] from checkpoint, the shape in current model is [${b.join(', ')}].`);
          continue;
        }
        target.copy_(src);
      }
    });
    const unexpectedKeys = this.findUnexpectedKeys([...sd.keys()], '');
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length) throw new TorchError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    return { missingKeys, unexpectedKeys };
  }

  /**
   * PyTorch's rule and order (_load_from_state_dict, visited module by module as load() does):
   * under this module's prefix, a key whose first component names neither a child nor an own
   * parameter/persistent buffer is unexpected.
   */
  private findUnexpectedKeys(keys: string[], prefix: string): string[] {
    const out: string[] = [];
    const local = new Set<string>();
    for (const [name, p] of this._parameters) if (p) local.add(name);
    for (const [name, b] of this._buffers) if (b && !this._nonPersistentBuffers.has(name)) local.add(name);
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const inputName = key.slice(prefix.length).split('.', 1)[0];
      if (!this._modules.has(inputName) && !local.has(inputName)) out.push(key);
    }
    for (const [name, m] of this._modules) if (m) out.push(...m.findUnexpectedKeys(keys, `${prefix}${name}.`));
    return out;
  }

  // ---- modes and conversion ----------------------------------------------------------------
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('train(mode): mode must be a boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }
  eval(): this { return this.train(false); }

  /** Moves/casts every parameter and buffer in place (identity kept, as param.data = …). dtype casts apply to floating tensors only. */
  to(target: Device | DType | { device?: Device; dtype?: DType }): this {
    const spec = typeof target === 'string' ? (isDType(target) ? { dtype: target } : { device: target }) : target;
    if (!spec || typeof spec !== 'object') throw new TypeError('to(target): a device, a dtype or { device, dtype }');
    if (spec.device !== undefined && !isDevice(spec.device)) throw new TypeError(`to: invalid device ${JSON.stringify(spec.device)}`);
    if (spec.dtype !== undefined && !isDType(spec.dtype)) throw new TypeError(`to: invalid dtype ${JSON.stringify(spec.dtype)}`);
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        const dtype = spec.dtype && isFloatingDType(t.dtype) ? spec.dtype : undefined;
        if (!dtype && !spec.device) continue;
        const moved = t.to({ device: spec.device, dtype });
        SET_DATA(t, moved);
        moved.dispose();
        const g = t.grad;
        if (g) {
          const gm = g.to({ device: spec.device, dtype });
          native.setGrad(t.handle, gm.handle);
          gm.dispose();
          g.dispose();
        }
      }
    });
    return this;
  }
  cpu(): this { return this.to('cpu'); }
  cuda(device: Device = 'cuda'): this { return this.to(device); }
  float(): this { return this.to('float32'); }
  double(): this { return this.to('float64'); }

  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** PyTorch 1.13's default zeroes gradients in place (setToNone = false). */
  zeroGrad(setToNone = false): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (!g) continue;
      if (setToNone) p.grad = null;
      else noGrad(() => g.zero_());
      g.dispose();
    }
  }

  /** Applies fn to every submodule (children first) and then to this module. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Number of parameter elements (trainable only when asked). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    return this.parameters()
      .filter((p) => !opts.trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.numel(), 0);
  }

  /**
   * Disposes every parameter and buffer of this module tree, and what each module derived from
   * them (merged or folded weights: releaseDerived) — the module is unusable after.
   */
  dispose(): void {
    for (const m of this.modules()) m.releaseDerived();
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }

  /** Frees tensors this module keeps besides its parameters and buffers (caches); called by dispose(). */
  protected releaseDerived(): void {}

  extraRepr(): string { return ''; }
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (!kids.length) return head + ')';
    const body = kids.map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }
}
