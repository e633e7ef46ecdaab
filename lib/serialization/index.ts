// serialization: torch.load/save (.pt/.pth, zip and legacy), safetensors, and state-dict key helpers
export { load, loadAsync, LoadOptions, Loaded } from './torch-load';
export { save, saveAsync, SaveOptions } from './torch-save';
export { MapLocation } from './materialize';
export { stripPrefix } from './strip-prefix';
export { loadSafetensors, loadSafetensorsAsync, saveSafetensors, saveSafetensorsAsync, readSafetensorsMetadata, SafetensorsMap } from './safetensors';
