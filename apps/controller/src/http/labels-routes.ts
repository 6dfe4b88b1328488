// GET /api/containers/{name}/labels: the raw backup.* labels of a container the controller backs up, as Docker has
// them now — for the dashboard's target detail, beside the effective config they were read into. Values that may be
// secret (a `password`, a ping URL, alert URLs, anything named like a credential) read `[redacted]`, and the answer
// goes through the controller's redactor too. Containers the controller does not know are not looked up.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiNoContainerError, errorCode, errorMessage, isSecretProperty, NOTIFY_KEYS } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { StateStore } from '@baqup/state';
import { errors, strictObject } from './schemas.js';
import type { RouteGroup } from './server.js';

const REDACTED = '[redacted]';

/** `labels` reduced to backup.* ones, secret-looking values masked. */
export function backupLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
    if (!k.startsWith('backup.')) continue;
    const last = k.split('.').at(-1) ?? '';
    out[k] = isSecretProperty(last) || (NOTIFY_KEYS as readonly string[]).includes(last) ? REDACTED : v;
  }
  return out;
}

const engineFailed = (reply: FastifyReply, err: unknown) => reply.code(502).send({ error: `the Docker engine could not inspect the container: ${errorMessage(err)}`, code: errorCode(err) });

export function labelsRoutes(store: StateStore, docker: Pick<DockerClient, 'inspect'>, redact: (text: string) => string): RouteGroup {
  return (app: FastifyInstance) => {
    app.get<{ Params: { name: string } }>('/api/containers/:name/labels', {
      config: { access: 'read' },
      schema: {
        summary: "A backed-up container's raw backup.* labels as Docker has them now (secret-looking values masked)",
        tags: ['state'],
        params: strictObject({ name: { type: 'string', minLength: 1, maxLength: 255, description: 'container name' } }, ['name']),
        response: {
          200: { type: 'object', required: ['name', 'labels'], properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } } },
          ...errors(400, 401, 403, 404, 502),
        },
      },
    }, async (req, reply) => {
      const known = [...store.snapshot().containers.values()].find((c) => c.containerName === req.params.name);
      if (!known) return reply.code(404).send({ error: `no labelled container "${req.params.name}" (GET /api/containers lists them)`, code: ApiNoContainerError.code, field: 'params.name' });
      try {
        const info = await docker.inspect(known.containerId);
        return { name: info.name, labels: JSON.parse(redact(JSON.stringify(backupLabels(info.labels)))) as Record<string, string> };
      } catch (err) {
        return engineFailed(reply, err);
      }
    });
  };
}
