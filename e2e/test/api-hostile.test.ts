// The built controller as a real process under hostile requests: the two requests that used to end it (a bad
// percent-escape, a malformed absolute URL in the request line), slow clients, and a bounded fuzz run over raw
// sockets. Afterwards it still answers, logged only JSON, and no unauthenticated request changed anything.
import { describe, expect, it } from 'vitest';
import { startControllerProcess, useControllerCleanup } from '../src/controller-process.js';
import { fuzzHttp } from '../../apps/controller/src/http/__fixtures__/http-fuzz.js';
import { rawRequest, requestText } from '../../apps/controller/src/http/__fixtures__/raw-http.js';

useControllerCleanup();
const TOKEN = 'api-hostile-e2e-token';

describe('the controller under hostile requests', () => {
  it('survives bad escapes, broken request lines, slow clients and a fuzz run; mutating requests stay refused', async () => {
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN } } });
    const port = Number(ctl.api.split(':').pop());
    const send = (line: string) => rawRequest(port, requestText('GET', line));
    for (const target of ['/%', '/%zz', 'http://[', '/api/containers/%E0%A4%A']) expect((await send(target)).status, target).toBe(400);
    expect((await send('//x')).status).toBe(404);
    expect((await rawRequest(port, 'TRACE / HTTP/1.1\r\nhost: x\r\n\r\n')).status).toBe(404);
    expect((await ctl.request('/healthz')).status).toBe(200);

    // Headers that never finish: the server hangs up (default header timeout 10 s, checked every second).
    const slow = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nx-slow: 1\r\n', { timeoutMs: 20_000 });
    expect(slow.closedBy).toBe('server');
    expect(slow.ms).toBeLessThan(15_000);

    const seconds = Number(process.env.BAQUP_FUZZ_SECONDS ?? 15);
    const report = await fuzzHttp(port, { count: Number(process.env.BAQUP_FUZZ_REQUESTS ?? 2_000), durationMs: seconds * 1000, concurrency: 16, timeoutMs: 45_000 });
    expect(report.mutatingNotRefused, JSON.stringify(report)).toEqual([]);
    expect(report.statuses['none/timeout'] ?? 0, JSON.stringify(report)).toBe(0);
    expect(ctl.exited).toBe(false);
    expect((await ctl.request('/healthz')).status).toBe(200);
    expect((await ctl.request('/readyz')).status).toBe(200);
    // Nothing was queued or run by all that: no job event at all.
    expect(ctl.logs().filter((l) => String(l.event ?? '').startsWith('job.'))).toEqual([]);
    const stopped = await ctl.stop();
    expect(stopped.code).toBe(0);
  }, 180_000);
});
