// One line between product and tests: no product file (agent/, jobs/, not
// *.test.ts) imports from testing/ or from a test-support module, and no fake
// or test helper lives among the product files.
import test from 'ava';
import { importsOf, productSources } from './product-sources.js';

/** A module name that says it is test code: fakes, test helpers, test support. */
const TEST_SUPPORT_NAME = /(^|\/)(fake[-.][^/]*|[^/]*-fakes?\.ts|fakes\.ts|test-[^/]*|[^/]*-test-support\.ts|[^/]*\.test\.ts)$/;

/** Product files allowed to import from testing/, each with the reason. */
const ALLOWED: Readonly<Record<string, { target: string; reason: string }>> = {
  'agent/cli/demo.ts': {
    target: 'testing/sim/index.ts',
    reason: '`hearth demo` runs the Nomad + Consul simulator as its cluster: the simulator is a shipped part of the demo, not a test fake',
  },
};

function isTestCode(target: string): boolean {
  return target.startsWith('testing/') || target.startsWith('../') || TEST_SUPPORT_NAME.test(target);
}

test('no product file imports test code (testing/, fakes, test helpers)', (t) => {
  const sources = productSources();
  t.true(sources.length > 100, `expected the agent and jobs sources, found ${sources.length} files`);
  const crossings = sources.flatMap((file) =>
    importsOf(file)
      .filter((edge) => edge.target !== undefined && isTestCode(edge.target))
      .filter((edge) => ALLOWED[file.path]?.target !== edge.target)
      .map((edge) => `${file.path} imports ${edge.specifier}`));
  t.deepEqual(crossings, []);
});

test('no fake or test helper lives among the product files', (t) => {
  const misplaced = productSources().map((file) => file.path).filter((path) => TEST_SUPPORT_NAME.test(path));
  t.deepEqual(misplaced, [], 'fakes and test helpers belong under testing/support/ or beside the one test that uses them');
});

test('each allowed crossing still exists, so the list cannot outlive its reason', (t) => {
  const sources = new Map(productSources().map((file) => [file.path, file]));
  for (const [path, { target }] of Object.entries(ALLOWED)) {
    const file = sources.get(path);
    t.truthy(file, `${path} no longer exists`);
    if (file !== undefined) t.true(importsOf(file).some((edge) => edge.target === target), `${path} no longer imports ${target}`);
  }
});

test('the checks see a crossing when one is there', (t) => {
  const file = { path: 'agent/consul/client.ts', text: "import { x } from '../../testing/support/fake-consul.js';\nimport type { Y } from './fake-thing.js';\n" };
  const targets = importsOf(file).map((edge) => edge.target ?? '');
  t.deepEqual(targets, ['testing/support/fake-consul.ts', 'agent/consul/fake-thing.ts']);
  t.true(targets.every(isTestCode));
  t.false(isTestCode('agent/consul/client.ts'));
});
