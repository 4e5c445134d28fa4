/** How the UI loads a capture (no imports: the CLI reads these before anything else loads). */

/** Read size while loading for the UI (the time slices below bound how long a key waits). */
export const TUI_LOAD_CHUNK_SIZE = 1024 * 1024;
/**
 * Longest decoding run between two turns of the event loop while the UI loads: a key is
 * answered within about this plus one redraw (the goal is 100 ms on a busy 2-core machine).
 */
export const LOAD_SLICE_MS = 12;
