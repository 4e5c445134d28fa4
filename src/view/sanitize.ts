/** Views sanitise wire text with the core's rules (kept in core so the store can use them). */
export { sanitizeField, sanitizeForTerminal } from '../core/text/sanitize.js';
