/**
 * What the save screen (F2) can write, and for which calls. Pure data: the reducer cycles
 * through it, save.ts maps each format to the module that writes it.
 */

export type SaveFormatId = 'pcap' | 'pcap-rtp' | 'text' | 'calls-json' | 'calls-csv' | 'markdown' | 'mermaid' | 'html';

export interface SaveFormatInfo {
  readonly id: SaveFormatId;
  readonly title: string;
  /** Extension the file name gets when the format is chosen (`.pcapng` is kept for pcap). */
  readonly ext: string;
}

export const SAVE_FORMATS: readonly SaveFormatInfo[] = [
  { id: 'pcap', title: 'pcap (SIP)', ext: '.pcap' },
  { id: 'pcap-rtp', title: 'pcap (SIP + RTP)', ext: '.pcap' },
  { id: 'text', title: 'text ladder + messages', ext: '.txt' },
  { id: 'calls-json', title: 'calls JSON', ext: '.json' },
  { id: 'calls-csv', title: 'calls CSV', ext: '.csv' },
  { id: 'markdown', title: 'flow Markdown', ext: '.md' },
  { id: 'mermaid', title: 'flow Mermaid', ext: '.mmd' },
  { id: 'html', title: 'flow HTML', ext: '.html' },
];

/** selected: the selection (or the call under the cursor, or the calls of the flow shown). */
export type SaveScope = 'selected' | 'filtered' | 'all';
export const SAVE_SCOPES: readonly SaveScope[] = ['selected', 'filtered', 'all'];

export function saveFormat(id: SaveFormatId): SaveFormatInfo {
  return SAVE_FORMATS.find((f) => f.id === id)!;
}

/** The file name with the extension of `to` when it had the extension of `from`. */
export function switchExtension(path: string, from: SaveFormatId, to: SaveFormatId): string {
  const a = saveFormat(from).ext;
  const b = saveFormat(to).ext;
  if (a === b) return path;
  // a pcapng name stays pcapng between the two pcap formats; leaving them it changes
  for (const ext of a === '.pcap' ? ['.pcapng', '.pcap'] : [a]) {
    if (path.toLowerCase().endsWith(ext) && path.length > ext.length) return path.slice(0, -ext.length) + b;
  }
  return path;
}
