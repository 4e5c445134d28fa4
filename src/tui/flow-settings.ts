/**
 * The call flow's display settings: what the settings screen (F8) edits and the config file's
 * `ui` section keeps. Pure values, shared by the reducer and the forms.
 */

export type SdpMode = 'codecs' | 'marker';
export type ColorMode = 'reqres' | 'cseq' | 'callid';
/** Ladder gutter: clock + delta to the previous arrow (as the export), time since the first arrow, clock only. */
export type TimeFormat = 'delta' | 'relative' | 'clock';

export const SDP_MODES: readonly SdpMode[] = ['codecs', 'marker'];
export const COLOR_MODES: readonly ColorMode[] = ['reqres', 'cseq', 'callid'];
export const TIME_FORMATS: readonly TimeFormat[] = ['delta', 'relative', 'clock'];

/** Message pane width bounds (cells): narrower is unreadable, wider leaves no ladder. */
export const PANE_MIN_WIDTH = 24;
export const PANE_MAX_WIDTH = 160;
export const PANE_DEFAULT_WIDTH = 60;

export interface FlowSettings {
  readonly color: ColorMode;
  readonly timeFormat: TimeFormat;
  /** Draw resent copies; when off only originals are drawn, marked with their resend count. */
  readonly retrans: boolean;
  readonly pane: boolean;
  readonly paneWidth: number;
  readonly sdp: SdpMode;
  readonly rtp: boolean;
  readonly compress: boolean;
}

export const DEFAULT_FLOW_SETTINGS: FlowSettings = {
  color: 'reqres', timeFormat: 'delta', retrans: true, pane: true, paneWidth: PANE_DEFAULT_WIDTH, sdp: 'codecs', rtp: false, compress: false,
};
