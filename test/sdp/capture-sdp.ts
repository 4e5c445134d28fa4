/**
 * SDP bodies of real captures, found through the real pipeline: capture reader → SipDecoder
 * (net, reassembly, framing, SIP parser) → findSdpBody. Bodies are copied so tests keep them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createCaptureReader } from '../../src/core/capture/open-reader.js';
import { SipDecoder } from '../../src/core/pipeline/sip-decoder.js';
import { findSdpBody } from '../../src/core/sdp/body.js';
import type { SipMessage } from '../../src/core/sip/types.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
export const SHARED_CAPTURES_DIR = path.resolve(REPO_ROOT, '../shared/captures');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');

export interface CaptureSdp {
  readonly file: string;
  readonly frame: number;
  readonly body: Buffer;
  readonly message: SipMessage;
}

/** Capture files of a folder (throws when the folder is missing, so a test using it fails). */
export function captureFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(pcap|pcapng|cap|gz)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every SIP message with an SDP body in one capture file. */
export function sdpBodiesOf(file: string): CaptureSdp[] {
  let bytes = readFileSync(file);
  if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
  const out: CaptureSdp[] = [];
  const name = path.basename(file);
  const decoder = new SipDecoder({
    onMessage: (message) => {
      const body = findSdpBody(message);
      if (body) out.push({ file: name, frame: message.frame, body: Buffer.from(body), message });
    },
  });
  const reader = createCaptureReader({ onRecord: (r) => decoder.push(r) });
  reader.push(bytes);
  reader.end();
  decoder.end();
  return out;
}
