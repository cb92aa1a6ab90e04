import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * The Docker files, checked without a Docker engine: Debian's docker-compose (1.29) validates
 * each compose file against the compose schema and prints it resolved (anchors merged,
 * defaults filled in), offline; the properties a working deployment needs are asserted on
 * that result. .ci/run installs docker-compose; elsewhere these checks need it installed.
 */
const root = join(import.meta.dirname, '..');
const dockerDir = join(root, 'docker');
const composeFiles = readdirSync(dockerDir).filter((f) => /^compose.*\.ya?ml$/.test(f));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasCompose && !process.env.CI)
  console.warn('docker-compose is not installed: the compose files are not checked here');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: Array<string | { published: number; target: number; host_ip?: string }>;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function resolvedConfig(file: string): Compose {
  const resolved = execFileSync('docker-compose', ['-f', join(dockerDir, file), 'config'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Python's YAML module comes with docker-compose (it is written in Python).
  const json = execFileSync(
    'python3',
    ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: resolved, encoding: 'utf8' },
  );
  return JSON.parse(json) as Compose;
}

const engines = [
  {
    image: /^eventstore\/eventstore:/,
    prefix: 'EVENTSTORE_',
    data: '/var/lib/eventstore',
    scheme: 'esdb',
  },
  { image: /\/kurrentdb:/, prefix: 'KURRENTDB_', data: '/var/lib/kurrentdb', scheme: 'kurrentdb' },
];
const engineOf = (service: Service) => engines.find((e) => e.image.test(service.image ?? ''));
const isApi = (service: Service) =>
  service.build !== undefined &&
  join(service.build.context, service.build.dockerfile) === join(dockerDir, 'Dockerfile');
/** Named volumes mounted by a service, by where they are mounted. */
const mounts = (compose: Compose, service: Service) =>
  new Map(
    (service.volumes ?? [])
      .map((v) => v.split(':'))
      .filter(([source]) => source! in (compose.volumes ?? {}))
      .map(([source, target]) => [target!, source!]),
  );

(hasCompose || process.env.CI ? describe : describe.skip).each(composeFiles)(
  'docker/%s',
  (file) => {
    let compose: Compose;
    let nodes: Array<[string, Service]>;
    let apis: Array<[string, Service]>;
    beforeAll(() => {
      compose = resolvedConfig(file);
      const services = Object.entries(compose.services);
      nodes = services.filter(([, s]) => engineOf(s));
      apis = services.filter(([, s]) => isApi(s));
    });

    it('holds store nodes and app instances only, at least one of each', () => {
      expect(nodes.length).toBeGreaterThan(0);
      expect(apis.length).toBeGreaterThan(0);
      expect(nodes.length + apis.length).toBe(Object.keys(compose.services).length);
    });

    it('gives every store node its own health check and its own data volume', () => {
      const dataVolumes = nodes.map(([name, node]) => {
        const engine = engineOf(node)!;
        expect({ name, test: node.healthcheck?.test }).toEqual({
          name,
          test: ['CMD', 'curl', '-f', 'http://localhost:2113/health/live'],
        });
        const volume = mounts(compose, node).get(engine.data);
        expect({ name, volume }).toEqual({ name, volume: expect.any(String) });
        return volume;
      });
      expect(new Set(dataVolumes).size).toBe(nodes.length);
    });

    it('starts each app instance once every store node is healthy, each with its own /data', () => {
      for (const [name, api] of apis)
        expect({ name, depends_on: api.depends_on }).toEqual({
          name,
          depends_on: Object.fromEntries(
            nodes.map(([node]) => [node, { condition: 'service_healthy' }]),
          ),
        });
      const data = apis.map(([, api]) => mounts(compose, api).get('/data'));
      expect(data.every((volume) => typeof volume === 'string')).toBe(true);
      expect(new Set(data).size).toBe(apis.length);
    });

    it('connects the app to every node, with the scheme of the engine and TLS as the nodes run it', () => {
      const engine = engineOf(nodes[0]![1])!;
      const insecure = String(nodes[0]![1].environment?.[`${engine.prefix}INSECURE`]) === 'true';
      for (const [, api] of apis) {
        // The URL class cannot read a list of hosts: scheme://host:port,host:port?settings
        const [, scheme, hosts, settings] = /^([a-z+]+):\/\/([^/?]+)\/?\?(.*)$/.exec(
          String(api.environment?.EVENTSTORE_CONNECTION_STRING),
        )!;
        expect(scheme).toBe(engine.scheme);
        expect(hosts!.split(',').sort()).toEqual(nodes.map(([name]) => `${name}:2113`).sort());
        expect(new URLSearchParams(settings).get('tls')).toBe(insecure ? 'false' : 'true');
      }
    });

    it('names each node’s settings with its engine’s prefix and publishes insecure nodes on loopback only', () => {
      for (const [name, node] of nodes) {
        const { prefix } = engineOf(node)!;
        const foreign = Object.keys(node.environment ?? {}).filter((k) => !k.startsWith(prefix));
        expect({ name, foreign }).toEqual({ name, foreign: [] });
        const hosts = (node.ports ?? []).map((port) =>
          typeof port === 'string' ? port.split(':').slice(0, -2).join(':') : port.host_ip,
        );
        if (String(node.environment?.[`${prefix}INSECURE`]) === 'true')
          expect({ name, hosts }).toEqual({ name, hosts: hosts.map(() => '127.0.0.1') });
      }
    });

    it('forms a cluster of its size: each node seeds with the other nodes and advertises its own name', () => {
      for (const [name, node] of nodes) {
        const { prefix } = engineOf(node)!;
        const env = (key: string) => node.environment?.[`${prefix}${key}`];
        const size = Number(env('CLUSTER_SIZE'));
        expect(size).toBe(nodes.length);
        if (size === 1) continue;
        const others = nodes.filter(([other]) => other !== name).map(([other]) => `${other}:2113`);
        expect({ name, seeds: String(env('GOSSIP_SEED')).split(',').sort() }).toEqual({
          name,
          seeds: others.sort(),
        });
        expect({
          name,
          discoverViaDns: env('DISCOVER_VIA_DNS'),
          nodeIp: env('NODE_IP'),
          replicationIp: env('REPLICATION_IP'),
          nodeAdvertised: env('NODE_HOST_ADVERTISE_AS'),
          replicationAdvertised: env('REPLICATION_HOST_ADVERTISE_AS'),
          advertisedToClients: env('ADVERTISE_HOST_TO_CLIENT_AS'),
        }).toEqual({
          name,
          discoverViaDns: 'false',
          nodeIp: '0.0.0.0',
          replicationIp: '0.0.0.0',
          nodeAdvertised: name,
          replicationAdvertised: name,
          advertisedToClients: name,
        });
      }
    });

    it('has several app instances sign with one key, on a volume they all mount', () => {
      if (apis.length === 1) {
        // One instance keeps its key in its own /data.
        expect(apis[0]![1].environment?.JWT_PRIVATE_KEY_FILE).toBeUndefined();
        return;
      }
      const keyFiles = new Set(apis.map(([, api]) => api.environment?.JWT_PRIVATE_KEY_FILE));
      expect(keyFiles.size).toBe(1);
      const [keyFile] = [...keyFiles];
      expect(keyFile).toEqual(expect.stringMatching(/^\//));
      const keyVolumes = apis.map(([, api]) =>
        mounts(compose, api).get(posix.dirname(String(keyFile))),
      );
      expect(keyVolumes[0]).toEqual(expect.any(String));
      expect(new Set(keyVolumes).size).toBe(1);
    });
  },
);

describe('docker/Dockerfile', () => {
  const text = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
  // Instructions one per entry (continued lines joined), comments left out, by stage.
  const stages = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
    .reduce<string[][]>((all, line) => {
      if (/^FROM\s/i.test(line)) all.push([]);
      all.at(-1)!.push(line.trim());
      return all;
    }, []);
  const build = stages[0]!;
  const runtime = stages.at(-1)!;
  const instruction = (stage: string[], name: string) =>
    stage.filter((line) => line.toUpperCase().startsWith(`${name} `));

  it('builds with the npm major the README names, pinned to one version', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const major = /Node\.js [\d.+]+ and npm (\d+)/.exec(readme)?.[1];
    expect(major).toEqual(expect.any(String));
    const install = instruction(build, 'RUN').join(' ');
    expect(install).toMatch(new RegExp(`npm install -g npm@${major}\\.\\d+\\.\\d+(\\s|$)`));
  });

  it('runs node itself as a user other than root, with no npm in the image', () => {
    const user = instruction(runtime, 'USER').at(-1)?.split(/\s+/)[1];
    expect(user).toEqual(expect.any(String));
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(instruction(runtime, 'CMD')).toEqual(['CMD ["node", "dist/apps/api/src/main.js"]']);
    expect(instruction(runtime, 'RUN').join(' ')).toMatch(
      /rm -rf \/usr\/local\/lib\/node_modules\/npm \/usr\/local\/bin\/npm \/usr\/local\/bin\/npx/,
    );
  });

  it('checks readiness on the port the server was given, not a fixed one', () => {
    const [check] = instruction(runtime, 'HEALTHCHECK');
    expect(check).toContain('/health/ready');
    expect(check).toContain('${process.env.PORT}');
    expect(check).not.toMatch(/:\d{2,5}\//);
  });

  it('prepares /data and /keys for the user it runs as, so fresh volumes there are writable', () => {
    const user = instruction(runtime, 'USER').at(-1)?.split(/\s+/)[1];
    expect(instruction(runtime, 'RUN').join(' ')).toContain(`chown ${user} /data /keys`);
    expect(instruction(runtime, 'VOLUME')).toEqual(['VOLUME /data']);
  });
});
