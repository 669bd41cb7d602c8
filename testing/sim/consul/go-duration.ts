// Go's time.Duration.String(), which Consul uses for every duration it sends
// (check Interval, Timeout, TTL, DeregisterCriticalServiceAfter): "0s", "500ms",
// "10s", "1m30s", "1h0m0s". Go clients parse these back with time.ParseDuration,
// which refuses "".

function trimFraction(value: number, decimals: number): string {
  return value.toFixed(decimals).replace(/\.?0+$/, '');
}

/** Formats milliseconds as Go formats a time.Duration. */
export function formatGoDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  if (abs < 1000) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${trimFraction(abs / 1e3, 3)}µs`;
  if (abs < 1e9) return `${sign}${trimFraction(abs / 1e6, 6)}ms`;
  const hours = Math.floor(abs / 3.6e12);
  const minutes = Math.floor((abs % 3.6e12) / 6e10);
  const seconds = trimFraction((abs % 6e10) / 1e9, 9) || '0';
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
