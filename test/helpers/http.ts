import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 whose handler knows how many requests came before (for retry and fault tests). */
export interface TestServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type TestHandler = (
  req: IncomingMessage & { body: string },
  res: ServerResponse,
  index: number,
) => void | Promise<void>;

/** Starts a server on port 0 and resolves with its URL. */
export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const index = requests.length;
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
    try {
      await handler(Object.assign(req, { body }), res, index);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
