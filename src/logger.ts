import pino, { type Logger } from 'pino';

/**
 * The one logger. Redaction is a second net: code never logs personal data, secrets or SQL parameters in the
 * first place (DESIGN.md rule 9), but headers that carry credentials are censored wherever they appear.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.password',
  '*.totp',
  '*.token',
  '*.secret',
  '*.masterKey',
  '*.email',
  '*.phone',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'arrival' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        // Only the path: a query string can hold what a person typed into a search box.
        req: (req: { method?: string; url?: string }) => ({
          method: req.method,
          path: req.url?.split('?')[0],
        }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
