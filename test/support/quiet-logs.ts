// Tests read the handlers' structured logs only when asked to: `POWERTOOLS_LOG_LEVEL=INFO npm test`.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Nor do they write EMF metric lines or trace, unless a test turns them on (see powertools-metrics.test.ts).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
