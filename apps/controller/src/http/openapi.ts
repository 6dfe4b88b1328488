// GET /api/openapi.json: the OpenAPI 3 document @fastify/swagger builds from the registered route schemas, so it
// cannot drift from what the server validates.
import type { FastifyInstance } from 'fastify';

export function openApiRoute(app: FastifyInstance): void {
  app.get('/api/openapi.json', {
    config: { access: 'read' },
    schema: {
      summary: 'This document: every route with its parameters, body and answers',
      tags: ['meta'],
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => app.swagger());
}
