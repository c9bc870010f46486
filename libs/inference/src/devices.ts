import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';

/** Devices SCORER_DEVICES may name, each mapped to one onnxruntime execution provider. */
export const DEVICE_PROVIDERS = { cuda: 'cuda', tensorrt: 'tensorrt', cpu: 'cpu' } as const;
export type Device = keyof typeof DEVICE_PROVIDERS;

export class InferenceConfigError extends Error {
  override name = 'InferenceConfigError';
}

/**
 * Parses a device list ("cuda,cpu": try in order). Unknown names fail naming what is supported;
 * the list must not be empty.
 */
export function parseDevices(raw: string | undefined): Device[] {
  const names = (raw ?? 'cuda,cpu').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((n) => !(n in DEVICE_PROVIDERS));
  if (unknown.length > 0 || names.length === 0) {
    throw new InferenceConfigError(`SCORER_DEVICES: unknown device ${unknown.map((u) => `"${u}"`).join(', ') || '(empty list)'}; supported: ${Object.keys(DEVICE_PROVIDERS).join(', ')} (tried in the order given, e.g. "cuda,cpu")`);
  }
  return [...new Set(names)] as Device[];
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
function nativeDir(): string {
  return join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why a device cannot be used by this onnxruntime-node build, or undefined when it may be. */
export function unavailableReason(device: Device): string | undefined {
  const backends = listSupportedBackends();
  const b = backends.find((x) => x.name === DEVICE_PROVIDERS[device]);
  if (!b) return `this onnxruntime-node build has no ${device} backend (it has ${backends.map((x) => x.name).join(', ')})`;
  if (!b.bundled && process.platform === 'linux') {
    // Not bundled: the provider library is installed beside the binding (ONNXRUNTIME_NODE_INSTALL=cuda12), or it is absent.
    const lib = join(nativeDir(), `libonnxruntime_providers_${DEVICE_PROVIDERS[device]}.so`);
    if (!existsSync(lib)) return `the ${device} execution provider is not installed (${lib} is missing; install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a GPU host)`;
  }
  return undefined;
}
