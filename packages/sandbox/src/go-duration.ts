/**
 * A wait in milliseconds written as Go's `time.Duration.String()` writes it, the form of OpenAI's
 * `x-ratelimit-reset-*` headers and "try again in …" messages: `0s`, `12ms`, `1.5s`, `6m0s`, `1h2m3.5s`.
 * Rounded up to whole milliseconds, so it never shows Go's `µs`/`ns` forms (and never understates a wait).
 */
export function goDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  const total = Math.ceil(ms);
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const whole = Math.floor(millis / 1000);
  const fraction = String(millis % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  const seconds = `${whole}${fraction ? `.${fraction}` : ''}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
