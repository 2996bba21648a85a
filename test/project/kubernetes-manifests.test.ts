// deploy/kubernetes cannot be applied here (no cluster), so its shape is checked: every resource
// the kustomization lists exists and parses; every container has probes, resource requests and
// limits, a hardened security context, secrets only from Secrets, and runs a file the image has.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'deploy', 'kubernetes');
const kustomization = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[] };

interface Container {
  name: string;
  command: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
}
interface Resource {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } } } };
}

const resources: Resource[] = kustomization.resources.flatMap((file) => {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
  return docs.map((doc) => doc.toJS() as Resource);
});
const workloads = resources.filter((r) => r.kind === 'Deployment' || r.kind === 'Job');

t.test('the kustomization lists the migration job, both processors and the gateway', async (t) => {
  t.same(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort(), ['Deployment/l3-gateway', 'Deployment/l3-governance', 'Deployment/l3-materializer', 'Job/l3-migrate']);
  t.ok(resources.some((r) => r.kind === 'Service' && r.metadata.name === 'l3-gateway'));
  t.ok(resources.some((r) => r.kind === 'ConfigMap' && r.metadata.name === 'l3-config'));
});

t.test('every container is probed, bounded and hardened, and runs a file the image holds', async (t) => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  for (const workload of workloads) {
    const pod = workload.spec!.template!.spec;
    t.equal(pod.securityContext?.runAsNonRoot, true, `${workload.metadata.name} runs as non-root`);
    for (const container of pod.containers) {
      const what = `${workload.metadata.name}/${container.name}`;
      if (workload.kind === 'Deployment') {
        t.ok(container.livenessProbe && container.readinessProbe, `${what} has liveness and readiness probes`);
      }
      t.ok(container.resources?.requests?.cpu && container.resources.requests.memory && container.resources.limits?.memory, `${what} has requests and a memory limit`);
      t.match(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }, `${what} is hardened`);
      const entry = container.command.find((part) => part.endsWith('.ts')) ?? /node (\S+\.ts)/.exec(container.command.join(' '))?.[1];
      t.ok(entry && existsSync(join(root, entry)), `${what} runs ${entry}, which exists`);
      t.match(dockerfile, new RegExp(`^COPY ${entry!.split('/')[0]} `, 'm'), `the image copies ${entry!.split('/')[0]}/`);
      for (const variable of container.env ?? []) {
        if (/DATABASE_URL|SECRET|PASSWORD/.test(variable.name)) t.ok(variable.valueFrom?.secretKeyRef, `${what}: ${variable.name} comes from a Secret`);
      }
    }
  }
});

t.test('the ConfigMap holds no secrets and runs the gateway in production mode', async (t) => {
  const config = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === 'l3-config') as unknown as { data: Record<string, string> };
  t.equal(config.data.GATEWAY_MODE, 'production');
  t.notOk(Object.keys(config.data).some((key) => /SECRET|PASSWORD|DATABASE_URL/.test(key)), 'no secret-looking keys');
  t.ok(config.data.JWKS_URL?.startsWith('https://'));
});
