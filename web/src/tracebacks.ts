// Reading MicroPython tracebacks: the frames of `File "x.py", line N` lines, innermost last.

/** One frame line of a traceback; group 1 is the file, group 2 the line. */
export const FRAME = /File "([^"]+)", line (\d+)/;

export interface Frame {
  file: string;
  line: number;
}

/** The frames of `text`, outermost first (as MicroPython prints them). */
export function frames(text: string): Frame[] {
  return [...text.matchAll(new RegExp(FRAME.source, 'g'))].map((m) => ({ file: m[1], line: Number(m[2]) }));
}

/** The innermost frame in `file`, if any: the line of that file that raised. */
export function lineIn(text: string, file: string): number | null {
  const found = frames(text).filter((f) => f.file === file);
  return found.length ? found[found.length - 1].line : null;
}

/** The last line of a traceback: `ZeroDivisionError: divide by zero`. */
export function summary(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines[lines.length - 1] ?? '';
}
