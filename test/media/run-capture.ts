/** Runs a capture through the real pipeline + correlator + media registry (as the loader will). */
import { CallCorrelator } from '../../src/core/correlate/correlator.js';
import { MediaRegistry, type MediaRegistryOptions } from '../../src/core/correlate/media-registry.js';
import { decodeCaptureFile } from '../../src/io/decode-file.js';

export interface MediaRun {
  correlator: CallCorrelator;
  registry: MediaRegistry;
  diagnostics: Record<string, number>;
}

export async function runCapture(file: string, options: MediaRegistryOptions = {}): Promise<MediaRun> {
  const correlator = new CallCorrelator();
  const registry = new MediaRegistry(options);
  const r = await decodeCaptureFile(file, {
    onMessage: (m) => {
      const entry = correlator.add(m);
      registry.onSipMessage(entry);
    },
    onOtherUdp: (seg) => registry.onUdp(seg),
  });
  correlator.end();
  return { correlator, registry, diagnostics: r.diagnostics };
}
