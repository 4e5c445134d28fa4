/**
 * Reads a capture file (or stdin) through the SIP decoding pipeline. The io side of
 * `siptrace messages` and of the call store's loader: chunks in, messages out, progress
 * reported, the event loop yielded between chunks.
 */
import type { CaptureRecord } from '../core/capture/record.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { TransportSegment } from '../core/net/segment.js';
import { SipDecoder, type SipDecoderOptions, type SipDecoderStats } from '../core/pipeline/sip-decoder.js';
import type { SipMessage } from '../core/sip/types.js';
import { readCaptureFile, type ReadCaptureOptions, type ReadCaptureResult } from './file-source.js';

export interface DecodeFileHandlers {
  /** `payloadAt`: see SipDecoderEvents.onMessage. */
  onMessage(message: SipMessage, payloadAt: number): void;
  onOtherUdp?(segment: TransportSegment): void;
  onDiagnostic?(d: Diagnostic): void;
  /** Every capture record, before decoding (cheap: for counters such as link types). */
  onRecord?(record: CaptureRecord): void;
}

export interface DecodeFileResult {
  read: ReadCaptureResult;
  stats: SipDecoderStats;
  diagnostics: Record<string, number>;
}

export async function decodeCaptureFile(
  pathOrDash: string,
  handlers: DecodeFileHandlers,
  opts: ReadCaptureOptions = {},
  decoderOptions: SipDecoderOptions = {},
): Promise<DecodeFileResult> {
  const decoder = new SipDecoder(
    {
      onMessage: handlers.onMessage,
      ...(handlers.onOtherUdp ? { onOtherUdp: handlers.onOtherUdp } : {}),
      ...(handlers.onDiagnostic ? { onDiagnostic: handlers.onDiagnostic } : {}),
    },
    decoderOptions,
  );
  let read: ReadCaptureResult;
  try {
    read = await readCaptureFile(
      pathOrDash,
      {
        onRecord: handlers.onRecord
          ? (r) => {
              handlers.onRecord!(r);
              decoder.push(r);
            }
          : (r) => decoder.push(r),
        onDiagnostic: (d) => decoder.diagnostics.sink(d),
      },
      opts,
    );
  } finally {
    // damage that stops the reader still leaves everything before it decoded
    decoder.end();
  }
  return { read, stats: decoder.stats, diagnostics: decoder.diagnostics.toJSON() };
}
