// Numbers as people read them: sizes and transfer rates.

/** `57 B`, `1.4 KB`, `2.0 MB` (1 KB = 1024 bytes, as boards' `df` counts). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `8.2 KB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatSize(Math.round(bytesPerSecond))}/s`;
}
