// autocannon ships no types; this declares the part of its programmatic API the benchmarks use.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    total: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
    throughput: Histogram;
    statusCodeStats?: Record<string, { count: number }>;
  }
  function autocannon(options: { url: string; connections: number; duration: number; method?: string; headers?: Record<string, string>; body?: string; idReplacement?: boolean; overallRate?: number }): Promise<Result>;
  export default autocannon;
}
