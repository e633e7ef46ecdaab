/**
 * List files in PFENet's format ("image_path label_path" per line, relative to the data root)
 * or bare ids (VOC's ImageSets style), and where to find them when no path is given.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Item } from './episode';

/** The first of `candidates` (relative to root) that exists; a clear error listing them otherwise. */
export function findList(who: string, root: string, listFile: string | undefined, candidates: string[]): string {
  if (listFile !== undefined) {
    const p = path.resolve(root, listFile);
    if (!fs.existsSync(p)) throw new Error(`${who}: list file ${p} does not exist`);
    return p;
  }
  for (const c of candidates) {
    const p = path.join(root, c);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${who}: no list file under ${root}; looked for ${candidates.join(', ')} (pass listFile)`);
}

/** Items of a list file, in file order; `fromId` maps a bare id to its image and label paths. */
export function readList(file: string, root: string, fromId: (id: string) => [string, string]): Item[] {
  const items: Item[] = [];
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    if (parts.length > 2) throw new Error(`${file}:${n + 1}: expected "image label" or an id, got "${line}"`);
    const [img, lab] = parts.length === 2 ? parts : fromId(parts[0]);
    items.push({ id: path.basename(img).replace(/\.[^.]+$/, ''), image: path.resolve(root, img), label: path.resolve(root, lab) });
  });
  if (items.length === 0) throw new Error(`${file}: the list is empty`);
  return items;
}

/** Throws when a folder the layout needs is missing, saying what was expected where. */
export function requireDirs(who: string, root: string, dirs: string[], layout: string): void {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`${who}: data root ${root} is not a directory`);
  const missing = dirs.filter((d) => !fs.existsSync(path.join(root, d)));
  if (missing.length) throw new Error(`${who}: ${root} has no ${missing.map((d) => d + '/').join(', ')} (expected ${layout})`);
}
