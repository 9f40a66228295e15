// Keeps the last lines of ffmpeg's stderr and turns them into one readable error.

/** Hides `user:password@` in URLs so camera credentials never reach logs, status or the dashboard. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

export class LineRing {
  readonly capacity: number;
  #lines: string[] = [];
  #partial = '';

  constructor(capacity = 50) {
    this.capacity = capacity;
  }

  /** Feed raw text; splits on \n and \r (ffmpeg rewrites progress lines with \r). */
  write(text: string): string[] {
    const parts = (this.#partial + text).split(/\r\n|\r|\n/);
    this.#partial = parts.pop() ?? '';
    if (this.#partial.length > 4096) {
      parts.push(this.#partial);
      this.#partial = '';
    }
    const added: string[] = [];
    for (const raw of parts) {
      const line = redactUrlCredentials(raw.trimEnd());
      if (line === '') continue;
      added.push(line);
      this.#lines.push(line);
    }
    if (this.#lines.length > this.capacity) this.#lines.splice(0, this.#lines.length - this.capacity);
    return added;
  }

  /** Flushes a trailing line without newline (on process exit). */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = '';
    return rest === '' ? [] : this.write(`${rest}\n`);
  }

  lines(): string[] {
    return [...this.#lines];
  }

  clear(): void {
    this.#lines = [];
    this.#partial = '';
  }
}

const KNOWN: ReadonlyArray<[RegExp, string]> = [
  [/Connection refused/i, 'Connection refused'],
  [/404 Not Found/i, '404 Not Found (wrong stream path?)'],
  [/401 Unauthorized/i, '401 Unauthorized (check the username and password)'],
  [/403 Forbidden/i, '403 Forbidden'],
  [
    /moov atom not found/i,
    'Invalid data found when processing input (moov atom not found: truncated or not an MP4)',
  ],
  [/Invalid data found when processing input/i, 'Invalid data found when processing input'],
  [/No such file or directory/i, 'No such file or directory'],
  [/Permission denied/i, 'Permission denied'],
  [/Device or resource busy/i, 'Device or resource busy'],
  [/Connection timed out|Operation timed out/i, 'Connection timed out'],
  [/No route to host/i, 'No route to host'],
  [/Network is unreachable/i, 'Network is unreachable'],
  [
    /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i,
    'Host name not found',
  ],
  [/Connection reset by peer/i, 'Connection reset by peer'],
  [/End of file/i, 'End of file (the source closed the stream)'],
  [/Server returned ([^\r\n]+)/i, 'Server returned $1'],
  [
    /does not contain any stream|Output file #0 does not contain any stream/i,
    'No video stream in the source',
  ],
  [/Could not find codec parameters/i, 'Could not find codec parameters (no keyframe or unsupported stream)'],
];

/** Best readable error among recent stderr lines, or null when nothing looks like an error. */
export function summarizeFfmpegError(lines: readonly string[]): string | null {
  // Known causes in order of specificity ("moov atom not found" explains the "Invalid data" line after it);
  // lines are the current run's only, so an older line cannot mask a newer cause.
  for (const [re, text] of KNOWN) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = re.exec(lines[i] ?? '');
      if (m !== null) return text.replace('$1', (m[1] ?? '').trim());
    }
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (/error|failed|invalid|cannot|could not/i.test(line))
      return line.replace(/^\[[^\]]+\]\s*/, '').slice(0, 200);
  }
  return null;
}
