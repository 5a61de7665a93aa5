// Tests read the handlers' structured logs only when asked to: `POWERTOOLS_LOG_LEVEL=INFO npm test`.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
