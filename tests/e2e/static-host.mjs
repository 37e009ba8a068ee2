// A static host for the end-to-end tests that need one of their own: it serves a folder under
// a sub-path (as GitHub Pages serves a project site), with the caching headers such a host
// sends (max-age and an ETag), can be taken down to play "no network at all", and counts the
// requests it answered.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, sep } from 'node:path';

export const DIST = process.env.OE_DIST ?? join(process.cwd(), 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** A copy of the built site in a temporary folder, to change as a new deployment would. */
export function copyOfDist() {
  const dir = mkdtempSync(join(tmpdir(), 'oe-site-'));
  cpSync(DIST, dir, { recursive: true });
  return dir;
}

/** Serves `root` at http://127.0.0.1:PORT/SUB/ until `close()`. */
export async function host(root, sub = '/pages/offset-express/') {
  const state = { down: false, answered: 0, refused: 0 };
  const server = createServer((req, res) => {
    if (state.down) {
      state.refused += 1;
      req.socket.destroy();
      return;
    }
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(sub)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    let file = normalize(join(root, path.slice(sub.length)));
    if (!file.startsWith(normalize(root + sep)) && file !== normalize(root)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      state.answered += 1;
      const headers = {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'max-age=600',
        ETag: etag,
      };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers).end();
      } else {
        res.writeHead(200, { ...headers, 'Content-Length': body.length }).end(req.method === 'HEAD' ? undefined : body);
      }
    } catch {
      res.writeHead(404).end('not found\n');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}${sub}`;
  return {
    url,
    state,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
