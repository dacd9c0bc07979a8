import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * The one error type of Arrival. `code` is stable (clients branch on it); the human message is looked up
 * from `messageKey` in the caller's language when the response is written.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly messageKey: string = `error.code.${code}`,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError('NOT_FOUND', 404);

/** The error body of every JSON error response (DESIGN.md "Errors"). */
export const ZErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      requestId: z.string().optional(),
      details: z
        .array(z.object({ path: z.string(), issue: z.string() }))
        .optional()
        .describe('For VALIDATION_FAILED: which fields are wrong (never their values).'),
    }),
  })
  .meta({ id: 'Error' });

interface ClassifiedError {
  status: number;
  code: string;
  details?: { path: string; issue: string }[];
}

/** Maps anything thrown while handling a request to a status and a stable code. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof AppError) return { status: error.status, code: error.code };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext;
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      details: error.validation.map((v) => ({
        path: [where, ...v.instancePath.split('/')].filter(Boolean).join('.'),
        issue: v.keyword,
      })),
    };
  }
  if (isResponseSerializationError(error)) return { status: 500, code: 'INTERNAL_ERROR' };
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'MALFORMED_JSON' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_VALIDATION':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'VALIDATION_FAILED' };
  }
  if (fastifyError.statusCode === 429) return { status: 429, code: 'RATE_LIMITED' };
  if (fastifyError.statusCode === 413) return { status: 413, code: 'PAYLOAD_TOO_LARGE' };
  if (fastifyError.statusCode === 415) return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (fastifyError.statusCode === 404) return { status: 404, code: 'NOT_FOUND' };
  if (fastifyError.statusCode === 405) return { status: 405, code: 'METHOD_NOT_ALLOWED' };
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    // Some other client error raised by Fastify or a plugin (bad cookie, bad header, …).
    return { status: 400, code: 'BAD_REQUEST' };
  }
  return { status: 500, code: 'INTERNAL_ERROR' };
}

/**
 * What may be logged of an unexpected error: its type, code and stack frames, which point at the code. Its message
 * is kept only when it cannot carry data: Fastify's own errors and system errors (ECONNREFUSED, …). A Drizzle
 * query error's message holds the SQL and its parameters, and any other message may quote input (rule 9).
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  const safeMessage =
    typeof code === 'string' && (code.startsWith('FST_') || /^E[A-Z]+$/.test(code)) && !('params' in error);
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
  const cause = (error as { cause?: unknown }).cause;
  const causeCode = (cause as { code?: unknown } | undefined)?.code;
  return {
    type: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(safeMessage
      ? { message: error.message }
      : 'params' in error
        ? { message: 'database query failed' }
        : {}),
    // A PostgreSQL error's SQLSTATE says what failed (23505 unique violation, …) without any row values.
    ...(cause instanceof Error
      ? { cause: { type: cause.name, ...(typeof causeCode === 'string' ? { code: causeCode } : {}) } }
      : {}),
    stack: frames,
  };
}

/** Renders an error as JSON or as an HTML page, in the caller's language. */
export interface ErrorRenderer {
  wantsHtml(request: FastifyRequest): boolean;
  json(request: FastifyRequest, error: ClassifiedError): { error: Record<string, unknown> };
  html(request: FastifyRequest, reply: FastifyReply, status: number, code: string): string;
  /** Where to send a person instead of showing an error page (e.g. a staff page without a session → login). */
  redirect?(request: FastifyRequest, status: number): string | undefined;
}

export function registerErrorHandling(app: FastifyInstance, renderer: ErrorRenderer): void {
  app.setErrorHandler((error, request, reply) => {
    const classified = classifyError(error);
    if (classified.status >= 500) {
      request.log.error({ error: describeError(error) }, 'request failed');
    } else {
      request.log.info({ code: classified.code, status: classified.status }, 'request refused');
    }
    reply.status(classified.status);
    if (classified.code === 'RATE_LIMITED' && !reply.hasHeader('retry-after'))
      reply.header('retry-after', '60');
    if (renderer.wantsHtml(request)) {
      const to = renderer.redirect?.(request, classified.status);
      if (to) return reply.redirect(to, 303);
      return reply
        .type('text/html; charset=utf-8')
        .send(renderer.html(request, reply, classified.status, classified.code));
    }
    return reply.type('application/json; charset=utf-8').send(renderer.json(request, classified));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404);
    if (renderer.wantsHtml(request)) {
      return reply.type('text/html; charset=utf-8').send(renderer.html(request, reply, 404, 'NOT_FOUND'));
    }
    return reply
      .type('application/json; charset=utf-8')
      .send(renderer.json(request, { status: 404, code: 'NOT_FOUND' }));
  });
}
