// docker-compose.yml cannot be run here (no Docker engine), so its shape is checked instead: the
// platform's services are there, each runs a file that exists and the image copies, and nothing
// listens beyond loopback.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; ports?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const copied = [...dockerfile.matchAll(/^COPY (\S+) /gm)].map((match) => match[1]!);

t.test('the stack and the platform are services', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['gateway', 'governance', 'kafka', 'materializer', 'postgres', 'registry', 'setup']);
  for (const name of ['materializer', 'governance', 'gateway']) {
    t.same(compose.services[name]!.depends_on, { setup: { condition: 'service_completed_successfully' } }, `${name} waits for the setup`);
  }
});

t.test('each platform service runs an entry file the image holds', async (t) => {
  for (const name of ['materializer', 'governance', 'gateway']) {
    const [node, entry] = compose.services[name]!.command!;
    t.equal(node, 'node');
    t.ok(existsSync(join(root, entry!)), `${entry} exists`);
    t.ok(copied.includes(entry!.split('/')[0]!), `the Dockerfile copies ${entry!.split('/')[0]}/`);
  }
  t.ok(copied.includes('cli') && copied.includes('migrations') && copied.includes('examples'), 'the setup has the CLI, the migrations and the demo ontology');
});

t.test('published ports are on loopback only, and the gateway needs a secret', async (t) => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const port of service.ports ?? []) t.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port} on loopback`);
  }
  t.match(compose.services.gateway!.environment!.JWT_SECRET, /^\$\{L3_JWT_SECRET:\?/, 'no default secret');
});
