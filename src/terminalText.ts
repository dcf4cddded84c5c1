/**
 * Text from outside (a target's answer, a queue record, a report written by anyone) made safe to
 * print on a terminal: escape sequences removed whole (CSI such as a screen clear, OSC such as a
 * window title), and every other control character but newline and tab replaced, so foreign
 * text can neither move the cursor, retitle the window nor hide what came before it.
 */

// CSI (ESC [ … final, or the 8-bit 0x9b), OSC (ESC ] … BEL or ST, or 0x9d), and other ESC pairs.
const SEQUENCES = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[@-_]?/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Keeps line breaks and tabs (a multi-line log tail stays multi-line); drops all else that steers a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '\uFFFD');
}

/** Untrusted text on one line, without terminal control characters. */
export function oneLine(text: string): string {
  return text.replace(SEQUENCES, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}
