import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Ui } from '../ui/index.ts';
import { Layout } from '../ui/index.ts';
import { requestLocale } from './locale.ts';
import { publicAccess } from './policy.ts';

interface OpenApiOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  responses?: Record<string, { description?: string }>;
}
type OpenApiDocument = {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, OpenApiOperation>>;
};

/** Registers @fastify/swagger for OpenAPI 3.1 (it emits 3.0.3 unless told). Call before any route. */
export async function registerOpenApi(
  app: FastifyInstance,
  options: { publicBaseUrl: string; version: string },
) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Arrival API',
        version: options.version,
        description:
          'The JSON API of Arrival. Errors are `{ "error": { "code", "message" } }` with a stable code and a ' +
          'message in the language asked for (Accept-Language or `lang`).',
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
      },
      servers: [{ url: options.publicBaseUrl }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            // A `__Host-` cookie must be Secure, so plain-http deployments (development) use the bare name.
            name: options.publicBaseUrl.startsWith('https:') ? '__Host-arrival_session' : 'arrival_session',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function ApiDocsPage({ ui, locale, doc }: { ui: Ui; locale: string; doc: OpenApiDocument }) {
  const ctx = ui.context(locale, '/');
  const { t } = ctx;
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] as OpenApiOperation })),
  );
  return (
    <Layout ctx={ctx} title={t('api.docs.title')}>
      <h1>{t('api.docs.title')}</h1>
      <p>{t('api.docs.intro', { url: '/api/openapi.json' })}</p>
      <p>
        <a href="/api/openapi.json">/api/openapi.json</a>
      </p>
      <h2>{t('api.docs.operations')}</h2>
      {operations.map(({ path, method, op }) => (
        <section class="operation" key={`${method} ${path}`} lang="en" dir="ltr">
          <h3>
            <span class="method">{method}</span> <code>{path}</code>
          </h3>
          {op.summary ? <p>{op.summary}</p> : null}
          {op.description ? <p>{op.description}</p> : null}
          <h4>{t('api.docs.parameters')}</h4>
          {op.parameters?.length ? (
            <ul>
              {op.parameters.map((p) => (
                <li key={`${p.in}:${p.name}`}>
                  <code>{p.name}</code> ({p.in}
                  {p.required ? `, ${t('api.docs.required')}` : ''})
                  {p.description ? ` — ${p.description}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('api.docs.none')}</p>
          )}
          <h4>{t('api.docs.responses')}</h4>
          <ul>
            {Object.entries(op.responses ?? {}).map(([status, r]) => (
              <li key={status}>
                <code>{status}</code> {r.description ?? ''}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}

/** `/api/openapi.json` and a server-rendered reference at `/api/docs` (no JavaScript needed). */
export function openApiRoutes(ui: Ui) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/openapi.json',
      { config: { policy: publicAccess }, schema: { hide: true } },
      async (_request, reply) => reply.type('application/json; charset=utf-8').send(app.swagger()),
    );
    app.get(
      '/api/docs',
      { config: { policy: publicAccess }, schema: { hide: true } },
      async (request, reply) => {
        const doc = app.swagger() as unknown as OpenApiDocument;
        const locale = requestLocale(request, ui.catalogues);
        return reply.type('text/html; charset=utf-8').send(ui.render(ApiDocsPage({ ui, locale, doc })));
      },
    );
  };
}
