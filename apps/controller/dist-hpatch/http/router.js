export function matchRoute(routes, method, pathname) {
    const parts = pathname.split('/').filter(Boolean);
    for (const route of routes) {
        if (route.method !== method)
            continue;
        const pattern = route.path.split('/').filter(Boolean);
        if (pattern.length !== parts.length)
            continue;
        const params = {};
        const ok = pattern.every((seg, i) => {
            const part = parts[i];
            if (seg.startsWith(':')) {
                params[seg.slice(1)] = decodeURIComponent(part);
                return true;
            }
            return seg === part;
        });
        if (ok)
            return { route, params };
    }
    return null;
}
export function sendJson(res, status, body) {
    const text = JSON.stringify(body, null, 2);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
}
export function sendText(res, status, body, type = 'text/plain; charset=utf-8') {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
}
const MAX_BODY = 1 << 20;
export function readJsonBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > MAX_BODY) {
                reject(new Error('request body too large'));
                req.destroy();
            }
            else
                chunks.push(c);
        });
        req.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
                resolve(text.trim() === '' ? {} : JSON.parse(text));
            }
            catch {
                reject(new Error('request body is not valid JSON'));
            }
        });
        req.on('error', reject);
    });
}
//# sourceMappingURL=router.js.map