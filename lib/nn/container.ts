/**
 * Containers: Sequential, ModuleList, ModuleDict, and Identity. They keep their children only in
 * the registry, so setSubmodule('0', m) or list.set(i, m) is what the next forward runs.
 */
import { tidyOwned } from '../memory';
import { Tensor } from '../tensor';
import { Module } from './module';

type NamedModules = Map<string, Module> | Record<string, Module>;

function isNamedModules(v: unknown): v is NamedModules {
  return v instanceof Map || (typeof v === 'object' && v !== null && !(v instanceof Module) && !Array.isArray(v));
}

function entriesOf(v: NamedModules): [string, Module][] {
  return v instanceof Map ? [...v.entries()] : Object.entries(v);
}

/** PyTorch's _get_abs_string_index: a possibly negative index into `length` children. */
function absIndex(idx: number, length: number): number {
  if (!Number.isInteger(idx)) throw new TypeError(`index must be an integer, got ${String(idx)}`);
  if (idx < -length || idx >= length) throw new RangeError(`index ${idx} is out of range`);
  return idx < 0 ? idx + length : idx;
}

export class Identity extends Module {
  /** Accepts and ignores any arguments, as PyTorch's nn.Identity. */
  constructor(..._args: unknown[]) {
    super();
  }
  forward<T>(input: T): T {
    return input;
  }
}

export class Sequential extends Module {
  /** `new Sequential(a, b, c)` names children '0', '1', …; `new Sequential(map | record)` keeps the names. */
  constructor(...modules: Module[] | [NamedModules]) {
    super();
    if (modules.length === 1 && isNamedModules(modules[0])) {
      for (const [name, m] of entriesOf(modules[0])) this.registerModule(name, m);
    } else {
      (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  get length(): number {
    return this._modules.size;
  }

  /** The child at position idx (negative counts from the end). */
  at<M extends Module = Module>(idx: number): M {
    const key = [...this._modules.keys()][absIndex(idx, this.length)];
    return this._modules.get(key) as M;
  }

  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m) yield m;
  }

  /**
   * Runs the current children in registration order. An intermediate tensor made here is
   * disposed as soon as the next child has consumed it (autograd keeps what it saved), so a
   * frozen stack of blocks holds one activation at a time, not all.
   */
  forward(input: any): any {
    const mods = [...this._modules.values()].filter((m): m is Module => !!m);
    let x = input;
    let owned = false;
    for (const m of mods) {
      const prev = x;
      if (prev instanceof Tensor) {
        const r = tidyOwned(() => m.forward(prev) as Tensor);
        if (r.value !== prev) {
          if (owned) prev.dispose();
          owned = r.made;
        } // an in-place child returns its input: still ours if it was
        x = r.value;
      } else {
        x = m.forward(prev);
        owned = false;
      }
    }
    return x;
  }
}

export class ModuleList extends Module {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this._modules.size;
  }

  at<M extends Module = Module>(idx: number): M {
    return this._modules.get(String(absIndex(idx, this.length))) as M;
  }

  /** list[idx] = module. */
  set(idx: number, module: Module): void {
    this.registerModule(String(absIndex(idx, this.length)), module);
  }

  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): void {
    const n = this.length;
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    const list = [...this._modules.values()] as Module[];
    list.splice(at, 0, module);
    this._modules.clear();
    list.forEach((m, i) => this.registerModule(String(i), m));
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m) yield m;
  }

  forward(): never {
    throw new TypeError('ModuleList is a container without forward(); iterate it instead');
  }
}

export class ModuleDict extends Module {
  constructor(modules: NamedModules = {}) {
    super();
    this.update(modules);
  }

  get size(): number {
    return this._modules.size;
  }
  get(key: string): Module {
    return this.getChild(key);
  }
  set(key: string, module: Module): void {
    this.registerModule(key, module);
  }
  has(key: string): boolean {
    return this._modules.has(key);
  }
  delete(key: string): boolean {
    return this._modules.delete(key);
  }
  keys(): string[] {
    return [...this._modules.keys()];
  }
  values(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }
  entries(): [string, Module][] {
    return [...this._modules.entries()].filter((e): e is [string, Module] => e[1] !== null);
  }
  update(modules: NamedModules): void {
    if (!isNamedModules(modules)) throw new TypeError('ModuleDict.update: expected a Map or an object of modules');
    for (const [k, m] of entriesOf(modules)) this.registerModule(k, m);
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this._modules.keys();
  }

  forward(): never {
    throw new TypeError('ModuleDict is a container without forward(); look its modules up instead');
  }
}
